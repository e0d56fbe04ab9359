//! The keys of the account-side forms' fields, as one enum: a misspelt
//! key is a compile error instead of a field read as blank on save. A key
//! the open form does not have fails every test that saves through it (a
//! debug assertion in [`super::form::Form::text`]).

macro_rules! field_keys {
    ($($v:ident = $k:literal,)+) => {
        /// A field of a form, by the record field it edits.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum F {
            $($v),+
        }

        impl F {
            /// Every key, for the tests.
            #[cfg(test)]
            pub const ALL: &'static [F] = &[$(F::$v),+];

            /// The key as the form, the store's field names and drafts spell it.
            pub const fn key(self) -> &'static str {
                match self { $(F::$v => $k),+ }
            }
        }
    };
}

field_keys! {
    Address = "address",
    Amount = "amount",
    Background = "background",
    BirthDate = "birth_date",
    BuyingRole = "buying_role",
    By = "by",
    ByManager = "by_manager",
    Closed = "closed",
    CollectionAmount = "collection_amount",
    CollectionDate = "collection_date",
    Company = "company",
    CompanySize = "company_size",
    Complaint = "complaint",
    Consent = "consent",
    ConsentDate = "consent_date",
    Content = "content",
    CreditLimit = "credit_limit",
    CriteriaBusiness = "criteria_business",
    CriteriaTechnical = "criteria_technical",
    CustomerSince = "customer_since",
    Date = "date",
    Description = "description",
    DueDate = "due_date",
    Education = "education",
    Email = "email",
    Employer = "employer",
    Fax = "fax",
    FollowUp = "follow_up",
    FromWhom = "from_whom",
    Handling = "handling",
    Industry = "industry",
    Kind = "kind",
    Language = "language",
    Listed = "listed",
    Name = "name",
    NextDate = "next_date",
    NextStep = "next_step",
    Notes = "notes",
    Owner = "owner",
    Payment = "payment",
    PaymentTerms = "payment_terms",
    PersonalAgenda = "personal_agenda",
    Personality = "personality",
    Phone = "phone",
    PoliticalStrategy = "political_strategy",
    Promotion = "promotion",
    Purpose = "purpose",
    Recent = "recent",
    Region = "region",
    RegisteredCapital = "registered_capital",
    Rep = "rep",
    ReportsTo = "reports_to",
    Responsibilities = "responsibilities",
    Role = "role",
    Satisfaction = "satisfaction",
    Secretary = "secretary",
    ShortName = "short_name",
    SocialStyle = "social_style",
    Spouse = "spouse",
    Store = "store",
    Summary = "summary",
    TierOverride = "tier_override",
    TierOverrideReason = "tier_override_reason",
    Time = "time",
    Title = "title",
    UserName = "user_name",
    VisitContact = "visit_contact",
    Website = "website",
}

impl From<F> for &'static str {
    fn from(f: F) -> Self {
        f.key()
    }
}

impl AsRef<str> for F {
    fn as_ref(&self) -> &str {
        self.key()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn keys_are_distinct() {
        let mut seen = std::collections::HashSet::new();
        assert!(super::F::ALL.iter().all(|f| seen.insert(f.key())));
    }
}
