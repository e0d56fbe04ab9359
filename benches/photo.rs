//! A VIP card's photo as a phone or camera takes it (#22): a 6000×4000
//! JPEG read, turned upright and scaled down once (what the photo thread
//! does), then encoded for the summary's place in half-blocks and sixel.
//! Prints the time of each and the memory the read takes at its peak
//! (Linux: the process's peak resident set, reset after the test photo is
//! made). Nothing is asserted.
//!
//! `KAM_BENCH_PHOTO=path cargo bench --bench photo` measures that photo
//! instead of the one made in a temporary folder.

mod common;
use common::report;

use std::time::Instant;

use kam::tui::photo::{self, Drawer};
use ratatui::layout::Size;
use ratatui_image::picker::{Picker, ProtocolType};

const RUNS: usize = 5;

/// A 6000×4000 photo-like JPEG (gradients and texture, quality 90).
fn make_photo(path: &std::path::Path) {
    let img = image::RgbImage::from_fn(6000, 4000, |x, y| {
        let noise = ((x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 41) as u8;
        image::Rgb([(x / 24) as u8 ^ noise, (y / 16) as u8, ((x + y) / 40) as u8 ^ (noise / 2)])
    });
    let file = std::fs::File::create(path).unwrap_or_else(|e| panic!("{e}"));
    let mut out = std::io::BufWriter::new(file);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode_image(&img)
        .unwrap_or_else(|e| panic!("{e}"));
}

/// The process's peak resident memory in MB, when the system tells it.
fn peak_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb: f64 = status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = std::env::var("KAM_BENCH_PHOTO").unwrap_or_else(|_| {
        let p = tmp.path().join("visitor.jpg");
        make_photo(&p);
        p.display().to_string()
    });
    let bytes = std::fs::metadata(&path).map_or(0, |m| m.len());
    // The peak from here on is the read's, not the making of the photo.
    let reset = std::fs::write("/proc/self/clear_refs", "5").is_ok();
    let before = peak_mb();
    let mut samples = Vec::new();
    let mut kept = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        let img = photo::read_path(&path).unwrap_or_else(|p| panic!("{p:?}"));
        samples.push(started.elapsed());
        kept = Some(img);
    }
    let Some(img) = kept else { return };
    println!("photo {path}: {:.1} MB, kept as {}×{}", bytes as f64 / 1e6, img.width(), img.height());
    report("read, upright, scaled to 800 px (photo thread)", samples);
    match (reset, before, peak_mb()) {
        (true, Some(b), Some(a)) => println!("peak resident memory: {a:.0} MB (before the reads {b:.0} MB)"),
        _ => println!("peak resident memory: not told by this system"),
    }
    let size = Size::new(43, 10);
    let mut sixel = Picker::halfblocks();
    sixel.set_protocol_type(ProtocolType::Sixel);
    for (name, drawer) in [("half-blocks", Drawer::HalfBlocks), ("sixel", Drawer::Graphics(sixel))] {
        let mut samples = Vec::new();
        for _ in 0..RUNS * 4 {
            let started = Instant::now();
            let p = drawer.encode(&img, size);
            samples.push(started.elapsed());
            assert!(p.is_some(), "encoded");
        }
        report(&format!("encode for 43×10 cells, {name}"), samples);
    }
}
