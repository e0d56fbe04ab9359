//! VIP visitor cards with their FAB lines, objections, resolutions and handovers.

use std::fmt::Write as _;

use kam_rules::ObjectionType;
use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::record::{columns_of, load_children, read_row, record, Record};
use super::search::{like_escape, pinyin, Query};
use super::{Store, StoreError};
use crate::model::{FabItem, Handover, Id, Objection, Resolution, VipCard};

record! {
    VipCard, VipCard, order "visit_date DESC, id",
    label |c| format!("{} {} {}", c.visit_date, c.salutation, c.store),
    // A card links to an account optionally and is not trashed with it.
    account |_c| None,
    derived |c| {
        let py = pinyin(&c.salutation);
        vec![
            ("phone_digits", Value::Text(kam_rules::dedupe::phone_digits(&c.phone))),
            ("py_initials", Value::Text(py.initials)),
            ("py_full", Value::Text(py.full)),
        ]
    },
    children {
        recommended: FabItem in "vip_recommended" { item, image_path, fab },
        objections: Objection in "vip_objections" { kind, text },
        re_recommended: FabItem in "vip_re_recommended" { item, image_path, fab },
        resolutions: Resolution in "vip_resolutions" { text },
        handovers: Handover in "vip_handovers" { from, to, date, note },
    }
}

/// Which cards the VIP list shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VipQuery {
    /// As typed after `/`: the last digits of the phone, the salutation
    /// (characters, or pinyin: initials, syllables or any mix of them, as
    /// `wnsh` or `wangns` for 王女士), vehicle, accessories
    /// or industry.
    pub filter: String,
    /// Only the cards this staff member holds now (the last handover's
    /// receiver, or who received the visitor when there was none).
    pub holder: Option<String>,
    pub limit: u32,
}

/// How many objections of one type the cards of a [`VipScope`] record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObjectionCount {
    /// `None`: objections written down without a type.
    pub kind: Option<ObjectionType>,
    pub count: u32,
    /// Of them, those with a resolution written in the same row.
    pub resolved: u32,
}

/// Which live cards the learning view counts: those of one store (every
/// store when `None`) and of one advisor, the staff member who received
/// the visitor (every advisor when `None`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VipScope<'a> {
    pub store: Option<&'a str>,
    pub advisor: Option<&'a str>,
}

/// The cards of a [`VipScope`] counted.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct VipCardCounts {
    pub cards: u32,
    /// Cards whose visitor became a VIP.
    pub vips: u32,
    /// Cards with at least one FAB line written (recommended or re-recommended).
    pub with_fab: u32,
}

/// A resolution written on cards whose visitor became a VIP, with the type
/// of the objection it answered and on how many cards.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolutionUse {
    /// `None`: the objection had no type (or there was none in that row).
    pub kind: Option<ObjectionType>,
    pub text: String,
    pub cards: u32,
}

/// The condition on `vip_cards v` for a [`VipScope`] bound as `?1`, `?2`.
const SCOPE_SQL: &str = "v.deleted_at IS NULL AND (?1 IS NULL OR v.store = ?1) AND (?2 IS NULL OR v.received_by = ?2)";

/// A FAB line used on cards whose visitor became a VIP, with how often.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FabUse {
    pub item: String,
    pub fab: String,
    pub cards: u32,
}

/// The SQL for who holds a card now.
const HOLDER_SQL: &str = "COALESCE((SELECT h.\"to\" FROM vip_handovers h WHERE h.parent_id = v.id \
     ORDER BY h.pos DESC LIMIT 1), v.received_by)";

impl Store {
    /// Live cards matching `q`, newest visit first, with their child rows.
    pub fn vip_cards(&self, q: &VipQuery) -> Result<Vec<VipCard>, StoreError> {
        let ids = self.vip_find(q)?;
        let mut cards = Vec::new();
        for (mut card, _) in self.vip_rows(&ids)? {
            load_children(&self.conn, &self.path, &mut card)?;
            cards.push(card);
        }
        Ok(cards)
    }

    /// The ids of the live cards matching `q`, newest visit first, at most
    /// `q.limit`. Reads only the narrow `vip_cards_find` index (the phone
    /// digits and the searched texts), so it is quick however wide the cards;
    /// letters also read the salutation, to match its pinyin by any mix of
    /// initials and syllables.
    pub fn vip_find(&self, q: &VipQuery) -> Result<Vec<Id>, StoreError> {
        let mut sql = String::from("SELECT v.id");
        let mut params: Vec<Value> = Vec::new();
        let mut condition = String::new();
        // Letters that may mix initials and syllables (`wnsh`, `wangns`)
        // are matched against the salutation's readings here, as the
        // account list's finder does: the stored columns hold only whole
        // initials and whole syllables.
        let mut pinyin = None;
        match Query::parse(&q.filter) {
            Query::Nothing => {}
            Query::Digits(d) => {
                // The phone's last digits: what the list shows of it.
                params.push(Value::Text(format!("%{}", like_escape(&d))));
                condition.push_str(" AND v.phone_digits LIKE ?1 ESCAPE '\\'");
            }
            // Pinyin is matched against the readings and the texts alike.
            // Cards written before ü was also read as v and u hold `nü`:
            // a v typed for it finds them too.
            Query::Text(t) => {
                params.push(Value::Text(t.trim().to_lowercase()));
                condition
                    .push_str(" AND (instr(v.find_text, ?1) > 0 OR instr(v.find_text, replace(?1, 'v', 'ü')) > 0)");
            }
            Query::Pinyin(t) => {
                params.push(Value::Text(t.clone()));
                sql.push_str(
                    ", (instr(v.find_text, ?1) > 0 OR instr(v.find_text, replace(?1, 'v', 'ü')) > 0), v.salutation",
                );
                pinyin = Some(t);
            }
        }
        sql.push_str(" FROM vip_cards v INDEXED BY vip_cards_find WHERE v.deleted_at IS NULL");
        sql.push_str(&condition);
        if let Some(h) = &q.holder {
            params.push(Value::Text(h.clone()));
            let _ = write!(sql, " AND {HOLDER_SQL} = ?{}", params.len());
        }
        sql.push_str(" ORDER BY v.visit_date DESC, v.visit_time DESC, v.id");
        if pinyin.is_none() {
            params.push(Value::Integer(i64::from(q.limit)));
            let _ = write!(sql, " LIMIT ?{}", params.len());
        }
        let ctx = "finding VIP cards";
        let ids = if let Some(p) = pinyin {
            let rows = self.rows(ctx, &sql, params_from_iter(params), |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, bool>(1)?, r.get::<_, String>(2)?))
            })?;
            rows.into_iter()
                .filter(|(_, found, salutation)| *found || crate::finder::pinyin_hit(salutation, &p))
                .map(|(id, _, _)| id)
                .take(q.limit as usize)
                .collect()
        } else {
            self.rows(ctx, &sql, params_from_iter(params), |r| r.get::<_, String>(0))?
        };
        ids.into_iter()
            .map(|id| {
                Id::parse(&id).map_err(|e| StoreError::BadValue {
                    table: "vip_cards",
                    column: "id".into(),
                    id: id.clone(),
                    detail: e.message,
                })
            })
            .collect()
    }

    /// The cards of `ids` in that order, without their child rows, each
    /// with who holds it now (what a list line shows). Ids not found or
    /// in the trash (a card deleted meanwhile) are left out. [`Store::get`] reads a whole card.
    pub fn vip_rows(&self, ids: &[Id]) -> Result<Vec<(VipCard, String)>, StoreError> {
        let ctx = "reading VIP cards";
        let mut found = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(200) {
            let marks = vec!["?"; chunk.len()].join(", ");
            let sql = format!(
                "SELECT {}, {HOLDER_SQL} FROM vip_cards v WHERE v.deleted_at IS NULL AND v.id IN ({marks})",
                columns_of::<VipCard>("v")
            );
            let holder_at = 6 + <VipCard as Record>::COLUMNS.len();
            let rows = self.rows(ctx, &sql, params_from_iter(chunk.iter().map(Id::as_str)), |r| {
                Ok((read_row::<VipCard>(r)?, r.get::<_, String>(holder_at)?))
            })?;
            for (card, holder) in rows {
                let card = card?;
                found.insert(card.meta.id.clone(), (card, holder));
            }
        }
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    /// The name of the account a card was made into (trashed ones too:
    /// the card keeps the link).
    pub fn account_name(&self, id: &Id) -> Result<String, StoreError> {
        let ctx = "reading an account's name";
        self.conn
            .prepare_cached("SELECT name FROM accounts WHERE id = ?1")
            .and_then(|mut s| s.query_row([id.as_str()], |r| r.get(0)))
            .map_err(|e| self.err(ctx, e))
    }

    /// The staff who received visitors on the live cards of `store`
    /// (every store when `None`), with their number of cards, most cards
    /// first, then by name.
    pub fn vip_advisors(&self, store: Option<&str>) -> Result<Vec<(String, u32)>, StoreError> {
        let ctx = "listing the advisors of VIP cards";
        self.rows(
            ctx,
            "SELECT received_by, count(*) FROM vip_cards v \
                 WHERE v.deleted_at IS NULL AND (?1 IS NULL OR v.store = ?1) AND v.received_by <> '' \
                 GROUP BY received_by ORDER BY count(*) DESC, received_by",
            [store],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    /// How many live cards `scope` holds, how many of their visitors
    /// became VIPs and how many cards carry a FAB line.
    pub fn vip_card_counts(&self, scope: VipScope<'_>) -> Result<VipCardCounts, StoreError> {
        let ctx = "counting VIP cards";
        let sql = format!(
            "SELECT count(*), count(*) FILTER (WHERE v.status = 'vip'), \
                 count(*) FILTER (WHERE EXISTS (SELECT 1 FROM vip_recommended f WHERE f.parent_id = v.id AND f.fab <> '') \
                   OR EXISTS (SELECT 1 FROM vip_re_recommended f WHERE f.parent_id = v.id AND f.fab <> '')) \
                 FROM vip_cards v WHERE {SCOPE_SQL}"
        );
        let rows = self.rows(ctx, &sql, rusqlite::params![scope.store, scope.advisor], |r| {
            Ok(VipCardCounts { cards: r.get(0)?, vips: r.get(1)?, with_fab: r.get(2)? })
        })?;
        Ok(rows.into_iter().next().unwrap_or_default())
    }

    /// The objections on the live cards of `scope` counted by type, with
    /// how many were resolved (a resolution written in the same row),
    /// most frequent first.
    pub fn vip_objection_counts(&self, scope: VipScope<'_>) -> Result<Vec<ObjectionCount>, StoreError> {
        let ctx = "counting objections";
        let sql = format!(
            "SELECT o.kind, count(*), count(r.parent_id) FROM vip_objections o \
                 JOIN vip_cards v ON v.id = o.parent_id \
                 LEFT JOIN vip_resolutions r ON r.parent_id = o.parent_id AND r.pos = o.pos AND r.text <> '' \
                 WHERE {SCOPE_SQL} AND (o.kind IS NOT NULL OR o.text <> '') \
                 GROUP BY o.kind ORDER BY count(*) DESC, o.kind IS NULL, o.kind"
        );
        let raw = self.rows(ctx, &sql, rusqlite::params![scope.store, scope.advisor], |r| {
            Ok((r.get::<_, Option<String>>(0)?, r.get::<_, u32>(1)?, r.get::<_, u32>(2)?))
        })?;
        raw.into_iter()
            .map(|(kind, count, resolved)| Ok(ObjectionCount { kind: objection_kind(kind)?, count, resolved }))
            .collect()
    }

    /// The resolutions written on the live cards of `scope` whose visitor
    /// became a VIP (what worked), with the type of the objection each
    /// answered, most used first.
    pub fn vip_resolutions_that_worked(
        &self,
        scope: VipScope<'_>,
        limit: u32,
    ) -> Result<Vec<ResolutionUse>, StoreError> {
        let ctx = "reading resolutions that worked";
        let sql = format!(
            "SELECT o.kind, r.text, count(DISTINCT r.parent_id) FROM vip_resolutions r \
                 JOIN vip_cards v ON v.id = r.parent_id \
                 LEFT JOIN vip_objections o ON o.parent_id = r.parent_id AND o.pos = r.pos \
                 WHERE {SCOPE_SQL} AND v.status = 'vip' AND r.text <> '' \
                 GROUP BY o.kind, r.text \
                 ORDER BY count(DISTINCT r.parent_id) DESC, o.kind IS NULL, o.kind, r.text LIMIT ?3"
        );
        let raw = self.rows(ctx, &sql, rusqlite::params![scope.store, scope.advisor, limit], |r| {
            Ok((r.get::<_, Option<String>>(0)?, r.get::<_, String>(1)?, r.get::<_, u32>(2)?))
        })?;
        raw.into_iter()
            .map(|(kind, text, cards)| Ok(ResolutionUse { kind: objection_kind(kind)?, text, cards }))
            .collect()
    }

    /// The FAB lines (recommended and re-recommended) on the live cards of
    /// `scope` whose visitor became a VIP, most used first.
    pub fn vip_fab_lines(&self, scope: VipScope<'_>, limit: u32) -> Result<Vec<FabUse>, StoreError> {
        let ctx = "reading FAB lines";
        let sql = format!(
            "SELECT item, fab, count(DISTINCT parent_id) FROM ( \
                   SELECT parent_id, item, fab FROM vip_recommended \
                   UNION ALL SELECT parent_id, item, fab FROM vip_re_recommended \
                 ) f JOIN vip_cards v ON v.id = f.parent_id \
                 WHERE {SCOPE_SQL} AND v.status = 'vip' AND f.fab <> '' \
                 GROUP BY item, fab ORDER BY count(DISTINCT parent_id) DESC, item, fab LIMIT ?3"
        );
        let rows = self.rows(ctx, &sql, rusqlite::params![scope.store, scope.advisor, limit], |r| {
            Ok(FabUse { item: r.get(0)?, fab: r.get(1)?, cards: r.get(2)? })
        })?;
        Ok(rows)
    }
}

/// An objection type as stored, or the error naming the bad value.
fn objection_kind(kind: Option<String>) -> Result<Option<ObjectionType>, StoreError> {
    kind.map(|k| {
        k.parse::<ObjectionType>().map_err(|e| StoreError::BadValue {
            table: "vip_objections",
            column: "kind".into(),
            id: k.clone(),
            detail: e.to_string(),
        })
    })
    .transpose()
}
