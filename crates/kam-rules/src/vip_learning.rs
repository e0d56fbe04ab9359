//! §3.8 Learning from the VIP visitor cards (seed 000, 准VIP客户信息登记表):
//! the card exists so that each sales advisor sees the objections they
//! leave unresolved, their weak spot, and the FAB lines and resolutions
//! that turned visitors into VIPs.

/// `part` of `whole` as a whole percentage, rounded half up; `None` when
/// `whole` is zero (no share of nothing).
pub fn percent(part: u32, whole: u32) -> Option<u32> {
    if whole == 0 {
        return None;
    }
    let (p, w) = (u64::from(part), u64::from(whole));
    u32::try_from((200 * p + w) / (2 * w)).ok()
}

/// An advisor's weak spot among objection kinds counted as `(kind, raised,
/// resolved)`: the kind with the most objections left unresolved; on a tie
/// the one with the smaller share resolved, then the first given. `None`
/// when every objection was resolved.
pub fn weak_spot<K: Copy>(counts: &[(K, u32, u32)]) -> Option<K> {
    let mut best: Option<(K, u32, u32)> = None;
    for &(kind, raised, resolved) in counts {
        let open = raised.saturating_sub(resolved);
        if open == 0 {
            continue;
        }
        let better = match best {
            None => true,
            Some((_, b_raised, b_resolved)) => {
                let b_open = b_raised.saturating_sub(b_resolved);
                // resolved/raised < b_resolved/b_raised, cross-multiplied.
                open > b_open
                    || (open == b_open
                        && u64::from(resolved) * u64::from(b_raised) < u64::from(b_resolved) * u64::from(raised))
            }
        };
        if better {
            best = Some((kind, raised, resolved));
        }
    }
    best.map(|(k, _, _)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_round_half_up_and_nothing_has_no_share() {
        assert_eq!(percent(1, 2), Some(50));
        assert_eq!(percent(1, 3), Some(33));
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(1, 8), Some(13), "12.5 rounds up");
        assert_eq!(percent(0, 5), Some(0));
        assert_eq!(percent(5, 5), Some(100));
        assert_eq!(percent(0, 0), None);
        assert_eq!(percent(u32::MAX, u32::MAX), Some(100));
    }

    #[test]
    fn the_weak_spot_is_where_most_objections_stay_open() {
        assert_eq!(weak_spot(&[("price", 4, 3), ("hidden", 2, 0)]), Some("hidden"), "2 open beat 1");
        assert_eq!(weak_spot(&[("price", 4, 2), ("hidden", 2, 0)]), Some("hidden"), "a tie: none of 2 resolved");
        assert_eq!(weak_spot(&[("price", 2, 0), ("hidden", 2, 0)]), Some("price"), "a full tie: the first");
        assert_eq!(weak_spot(&[("price", 3, 3)]), None, "all resolved");
        assert_eq!(weak_spot::<&str>(&[]), None);
    }
}
