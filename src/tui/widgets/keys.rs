//! The keys of form fields the code reads by hand, as one enum: a misspelt
//! key is a compile error instead of a field read as blank on save. A field
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
    BuyingRole = "buying_role",
    CollectionAmount = "collection_amount",
    CollectionDate = "collection_date",
    ConsentDate = "consent_date",
    HandoverNote = "note",
    HandoverTo = "to",
    Industry = "industry",
    Kind = "kind",
    Language = "language",
    Owner = "owner",
    Payment = "payment",
    PhotoPath = "photo_path",
    Promotion = "promotion",
    ReportsTo = "reports_to",
    Responsibilities = "responsibilities",
    Role = "role",
    Satisfaction = "satisfaction",
    SocialStyle = "social_style",
    Status = "status",
    Store = "store",
    TierOverride = "tier_override",
    TierOverrideReason = "tier_override_reason",
    UserName = "user_name",
    VisitContact = "visit_contact",
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
