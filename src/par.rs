//! Work split over the machine's cores.

/// `f` of each item, in order; the items split over the machine's cores
/// (at most eight) when there are at least `from` of them.
pub fn map<T: Sync, U: Send>(items: &[T], from: usize, f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    let threads = std::thread::available_parallelism().map_or(1, std::num::NonZero::get).min(8);
    if threads == 1 || items.len() < from.max(2) {
        return items.iter().map(f).collect();
    }
    let f = &f;
    std::thread::scope(|s| {
        let parts: Vec<_> = items
            .chunks(items.len().div_ceil(threads))
            .map(|part| s.spawn(move || part.iter().map(f).collect::<Vec<U>>()))
            .collect();
        parts.into_iter().flat_map(|p| p.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn keeps_the_order_split_or_not() {
        let items: Vec<u32> = (0..5_000).collect();
        let doubled: Vec<u32> = items.iter().map(|i| i * 2).collect();
        assert_eq!(super::map(&items, 1_000, |i| i * 2), doubled);
        assert_eq!(super::map(&items, 10_000, |i| i * 2), doubled);
    }
}
