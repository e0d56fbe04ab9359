//! The keys of form fields the code reads by hand, as one enum: a misspelt
//! key is a compile error instead of a field read as blank on save. A
//! table's cells are read by these keys only ([`super::form::Form::cell`]). A field
//! bound to its record field by an editor (`tui::editors`) is keyed by the
//! field's own name and needs no entry here. A key
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
    Age = "age",
    Amount = "amount",
    BusinessArguments = "business_arguments",
    BusinessValue = "business_value",
    BuyingRole = "buying_role",
    By = "by",
    CollectionAmount = "collection_amount",
    CollectionDate = "collection_date",
    ConsentDate = "consent_date",
    ContactId = "contact_id",
    Done = "done",
    Due = "due",
    ExpectedResult = "expected_result",
    HandoverNote = "note",
    HandoverTo = "to",
    How = "how",
    Industry = "industry",
    Kind = "kind",
    Language = "language",
    Name = "name",
    NameTitle = "name_title",
    Need = "need",
    Notes = "notes",
    Owner = "owner",
    Payment = "payment",
    Phone = "phone",
    PhotoPath = "photo_path",
    PoliticalArguments = "political_arguments",
    PoliticalValue = "political_value",
    PrepDifferentAnswer = "prep_different_answer",
    Promotion = "promotion",
    Question = "question",
    Recent = "recent",
    ReportsTo = "reports_to",
    Responsibilities = "responsibilities",
    Role = "role",
    Satisfaction = "satisfaction",
    SocialStyle = "social_style",
    Status = "status",
    Step = "step",
    Store = "store",
    TeamSuggestions = "team_suggestions",
    TierOverride = "tier_override",
    TierOverrideReason = "tier_override_reason",
    Title = "title",
    Traits = "traits",
    UserName = "user_name",
    View = "view",
    VisitContact = "visit_contact",
    What = "what",
    WhatHappened = "what_happened",
    Who = "who",
    Why = "why",
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
