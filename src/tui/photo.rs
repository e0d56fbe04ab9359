//! The visitor's photo drawn on the VIP card (#22).
//!
//! A photo is read, decoded and scaled down on a thread of its own (the
//! worker's [`super::worker::Worker::submit_photo`]), once per file as it
//! is on disk (path, modification time and length), then encoded for the
//! cells it is shown in with the terminal's graphics protocol (kitty,
//! iTerm2, sixel) or half-blocks. The UI thread only looks the file up
//! (one `stat`, which never blocks on a FIFO) and draws what is ready.
//! Only a regular file is opened; anything that is not a JPEG or PNG
//! photo becomes a plain line saying so.

use std::collections::HashMap;
use std::fmt;
use std::io::BufReader;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use kam_rules::Lang;
use ratatui::layout::Size;
use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::protocol::halfblocks::Halfblocks;
use ratatui_image::protocol::Protocol;
use ratatui_image::{FilterType, FontSize, Resize};

use crate::i18n::T;

/// The longest side a photo is scaled down to once, when it is read: a
/// panel of 40×12 cells is 400×240 pixels on a terminal with 10×20-pixel
/// cells, so 800 leaves room for larger fonts and panels.
pub const KEPT_SIDE: u32 = 800;
/// Most pixels a photo may have to be decoded (a 6000×4000 camera photo
/// has 24 million): beyond that it is refused, not decoded into hundreds
/// of megabytes.
pub const MAX_PIXELS: u64 = 50_000_000;
/// What the decoder may allocate at most (a 50-megapixel RGB photo is 150 MB).
const MAX_ALLOC: u64 = 200 * 1024 * 1024;
/// Photos kept decoded (each at most [`KEPT_SIDE`] square, 2.5 MB) and
/// encodings kept for a size.
const KEPT: usize = 8;

/// A file as it was on disk: a changed photo is read again.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FileKey {
    pub path: PathBuf,
    modified: Option<SystemTime>,
    len: u64,
}

/// Why a photo is not drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// No file at the path.
    Missing,
    /// A FIFO, a device or a folder: never opened.
    NotFile,
    /// Not a JPEG or PNG (a GIF, a WebP, a document).
    Format,
    /// Larger than [`MAX_PIXELS`].
    TooLarge { width: u32, height: u32 },
    /// It could not be read or decoded.
    Damaged,
}

impl Problem {
    /// The line drawn in the photo's place.
    pub fn text(&self, lang: Lang, path: &str) -> String {
        match self {
            Self::Missing => T::VipPhotoMissing.fill(lang, &[("path", path)]),
            Self::NotFile => T::VipPhotoNotFile.fill(lang, &[("path", path)]),
            Self::Format => T::VipPhotoFormat.get(lang).to_string(),
            Self::TooLarge { width, height } => {
                T::VipPhotoTooLarge.fill(lang, &[("width", &width.to_string()), ("height", &height.to_string())])
            }
            Self::Damaged => T::VipPhotoDamaged.fill(lang, &[("path", path)]),
        }
    }
}

/// What the photo's place shows now.
pub enum View<'a> {
    /// Being read (or not looked at yet).
    Loading,
    Ready(&'a Protocol),
    Problem(Problem),
}

/// What a path was when it was last looked at.
#[derive(Debug, Clone)]
enum Seen {
    File(FileKey),
    Problem(Problem),
}

/// How photos are drawn: in half-blocks (two coloured pixels a cell, on
/// any terminal that shows colour), or with the graphics protocol the
/// terminal answered for when asked at start.
#[derive(Clone, Debug, Default)]
pub enum Drawer {
    #[default]
    HalfBlocks,
    Graphics(Picker),
}

impl Drawer {
    /// `image` scaled to fit `size` cells and encoded for the terminal.
    pub fn encode(&self, image: &DynamicImage, size: Size) -> Option<Protocol> {
        let resize = Resize::Scale(Some(FilterType::Triangle));
        match self {
            Self::Graphics(picker) => picker.new_protocol(image.clone(), size, resize).ok(),
            // What ratatui-image's half-block picker does, without making
            // a picker: making one inside tmux runs `tmux set -p
            // allow-passthrough on`, changing the user's tmux.
            Self::HalfBlocks => {
                let font = FontSize::new(10, 20);
                let cells = resize.size_for(image, font, size);
                let scaled = resize.resize(image, font, cells, None);
                Halfblocks::new(scaled, cells).ok().map(Protocol::Halfblocks)
            }
        }
    }

    /// The protocol's name, for the status of the workbench.
    pub fn name(&self) -> &'static str {
        match self {
            Self::HalfBlocks => "half-blocks",
            Self::Graphics(p) => match p.protocol_type() {
                ProtocolType::Halfblocks => "half-blocks",
                ProtocolType::Sixel => "sixel",
                ProtocolType::Kitty => "kitty",
                ProtocolType::Iterm2 => "iTerm2",
            },
        }
    }
}

/// A photo to read (unless `decoded` is given) and encode for `size` cells.
pub struct PhotoJob {
    pub key: FileKey,
    pub size: Size,
    decoded: Option<Arc<DynamicImage>>,
    drawer: Drawer,
}

/// A photo read and encoded, or why not.
pub struct PhotoDone {
    pub key: FileKey,
    pub size: Size,
    pub result: Result<(Arc<DynamicImage>, Protocol), Problem>,
}

impl fmt::Debug for PhotoJob {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PhotoJob").field("key", &self.key).field("size", &self.size).finish_non_exhaustive()
    }
}

impl fmt::Debug for PhotoDone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PhotoDone")
            .field("key", &self.key)
            .field("size", &self.size)
            .field("ok", &self.result.is_ok())
            .finish()
    }
}

impl PhotoJob {
    /// Reads (when not read yet) and encodes the photo. Runs off the UI thread.
    pub fn run(self) -> PhotoDone {
        let decoded = match self.decoded {
            Some(d) => Ok(d),
            None => read(&self.key).map(Arc::new),
        };
        let result = decoded.and_then(|d| {
            let protocol = self.drawer.encode(&d, self.size).ok_or(Problem::Damaged)?;
            Ok((d, protocol))
        });
        PhotoDone { key: self.key, size: self.size, result }
    }
}

/// [`read`] of what is at `path` now (for the benches and tools).
pub fn read_path(path: &str) -> Result<DynamicImage, Problem> {
    match look(path) {
        Seen::File(key) => read(&key),
        Seen::Problem(p) => Err(p),
    }
}

/// Reads a regular file as a JPEG or PNG photo, turned upright (EXIF) and
/// scaled down to at most [`KEPT_SIDE`] on its longest side.
pub fn read(key: &FileKey) -> Result<DynamicImage, Problem> {
    let file = crate::files::open_regular(&key.path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Problem::Missing,
        std::io::ErrorKind::InvalidInput => Problem::NotFile,
        _ => Problem::Damaged,
    })?;
    let reader = ImageReader::new(BufReader::new(file)).with_guessed_format().map_err(|_| Problem::Damaged)?;
    if !matches!(reader.format(), Some(ImageFormat::Jpeg | ImageFormat::Png)) {
        return Err(Problem::Format);
    }
    let mut reader = reader;
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|_| Problem::Damaged)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(Problem::TooLarge { width, height });
    }
    let orientation = decoder.orientation().ok();
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => Problem::TooLarge { width, height },
        _ => Problem::Damaged,
    })?;
    if let Some(o) = orientation {
        image.apply_orientation(o);
    }
    if image.width() > KEPT_SIDE || image.height() > KEPT_SIDE {
        image = image.thumbnail(KEPT_SIDE, KEPT_SIDE);
    }
    Ok(image)
}

/// The photos the workbench has read, and the one being read.
pub struct Photos {
    /// How the terminal draws images: asked once at start, half-blocks
    /// when it does not answer (and in tests).
    pub drawer: Drawer,
    seen: HashMap<String, Seen>,
    decoded: Vec<(FileKey, Result<Arc<DynamicImage>, Problem>)>,
    encoded: Vec<(FileKey, Size, Protocol)>,
    /// The photo being read on its thread: one at a time, so paging
    /// through cards never piles up decoders of large photos.
    loading: Option<(FileKey, Size)>,
}

impl Default for Photos {
    fn default() -> Self {
        Self {
            drawer: Drawer::HalfBlocks,
            seen: HashMap::new(),
            decoded: Vec::new(),
            encoded: Vec::new(),
            loading: None,
        }
    }
}

impl fmt::Debug for Photos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Photos")
            .field("drawer", &self.drawer.name())
            .field("decoded", &self.decoded.len())
            .field("encoded", &self.encoded.len())
            .field("loading", &self.loading)
            .finish_non_exhaustive()
    }
}

impl Photos {
    /// What to draw for the photo at `path` in `size` cells.
    pub fn view(&self, path: &str, size: Size) -> View<'_> {
        match self.seen.get(path.trim()) {
            None => View::Loading,
            Some(Seen::Problem(p)) => View::Problem(p.clone()),
            Some(Seen::File(key)) => {
                if let Some((_, _, p)) = self.encoded.iter().find(|(k, s, _)| k == key && *s == size) {
                    return View::Ready(p);
                }
                match self.decoded.iter().find(|(k, _)| k == key) {
                    Some((_, Err(p))) => View::Problem(p.clone()),
                    _ => View::Loading,
                }
            }
        }
    }

    /// Looks at `path` (a `stat`, on the UI thread) and returns the job
    /// that reads or encodes it for `size` cells, when one is needed and
    /// none is running.
    pub fn want(&mut self, path: &str, size: Size) -> Option<PhotoJob> {
        let path = path.trim();
        if path.is_empty() || size.width == 0 || size.height == 0 {
            return None;
        }
        let seen = look(path);
        if self.seen.len() > 64 {
            self.seen.clear();
        }
        self.seen.insert(path.to_string(), seen.clone());
        let Seen::File(key) = seen else { return None };
        if self.encoded.iter().any(|(k, s, _)| *k == key && *s == size) || self.loading.is_some() {
            return None;
        }
        let decoded = match self.decoded.iter().find(|(k, _)| *k == key) {
            Some((_, Err(_))) => return None,
            Some((_, Ok(d))) => Some(Arc::clone(d)),
            None => None,
        };
        self.loading = Some((key.clone(), size));
        Some(PhotoJob { key, size, decoded, drawer: self.drawer.clone() })
    }

    /// Keeps what a job read.
    pub fn done(&mut self, done: PhotoDone) {
        if self.loading.as_ref().is_some_and(|(k, s)| *k == done.key && *s == done.size) {
            self.loading = None;
        }
        self.decoded.retain(|(k, _)| *k != done.key);
        match done.result {
            Ok((decoded, protocol)) => {
                self.decoded.push((done.key.clone(), Ok(decoded)));
                self.encoded.retain(|(k, s, _)| !(*k == done.key && *s == done.size));
                self.encoded.push((done.key, done.size, protocol));
            }
            Err(p) => self.decoded.push((done.key, Err(p))),
        }
        // The oldest go first.
        let over = self.decoded.len().saturating_sub(KEPT);
        self.decoded.drain(..over);
        let over = self.encoded.len().saturating_sub(KEPT);
        self.encoded.drain(..over);
    }

    /// Whether a photo is being read.
    pub fn loading(&self) -> bool {
        self.loading.is_some()
    }
}

/// How this terminal draws images: kitty, iTerm2 or sixel graphics when
/// it answers the query for them, else half-blocks. Call once, after the
/// terminal is switched on and before reading its events.
///
/// Inside tmux or screen the terminal is not asked: the query goes to the
/// terminal outside only when tmux passes it through (off by default), and
/// unanswered, ratatui-image's reader stays on the input and takes keys
/// meant for kam (and waits two seconds first). `KAM_IMAGES=query` asks
/// there too; `KAM_IMAGES=halfblocks` never asks.
pub fn query_terminal() -> Drawer {
    match std::env::var("KAM_IMAGES").as_deref() {
        Ok("halfblocks") => return Drawer::HalfBlocks,
        Ok("query") => {}
        _ if in_multiplexer() => return Drawer::HalfBlocks,
        _ => {}
    }
    match Picker::from_query_stdio() {
        Ok(p) if p.protocol_type() != ProtocolType::Halfblocks => Drawer::Graphics(p),
        _ => Drawer::HalfBlocks,
    }
}

/// Whether kam runs inside tmux or GNU screen.
fn in_multiplexer() -> bool {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    let term = std::env::var("TERM").unwrap_or_default();
    set("TMUX")
        || set("STY")
        || term.starts_with("tmux")
        || term.starts_with("screen")
        || std::env::var("TERM_PROGRAM").is_ok_and(|p| p == "tmux")
}

/// What is at `path`, without opening it.
fn look(path: &str) -> Seen {
    let p = PathBuf::from(path);
    match std::fs::metadata(&p) {
        Err(_) => Seen::Problem(Problem::Missing),
        Ok(m) if !m.is_file() => Seen::Problem(Problem::NotFile),
        Ok(m) => Seen::File(FileKey { path: p, modified: m.modified().ok(), len: m.len() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(path: &std::path::Path) -> FileKey {
        let Seen::File(k) = look(&path.display().to_string()) else { panic!("a file") };
        k
    }

    #[test]
    fn a_large_photo_is_kept_scaled_down_and_upright_sized() {
        let dir = tempfile::tempdir().expect("tmp");
        let p = dir.path().join("wide.png");
        image::RgbImage::from_fn(1600, 400, |x, _| image::Rgb([(x % 256) as u8, 0, 0])).save(&p).expect("png");
        let img = read(&key(&p)).expect("read");
        assert_eq!((img.width(), img.height()), (800, 200));
    }

    #[test]
    fn what_is_not_a_jpeg_or_png_photo_is_a_problem_not_a_crash() {
        let dir = tempfile::tempdir().expect("tmp");
        let fake = dir.path().join("fake.png");
        std::fs::write(&fake, b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").expect("write");
        assert_eq!(read(&key(&fake)).err(), Some(Problem::Damaged));
        let gif = dir.path().join("a.gif");
        std::fs::write(&gif, b"GIF89a\x01\0\x01\0\0\0\0;").expect("write");
        assert_eq!(read(&key(&gif)).err(), Some(Problem::Format));
        let text = dir.path().join("notes.jpg");
        std::fs::write(&text, "not a photo").expect("write");
        assert_eq!(read(&key(&text)).err(), Some(Problem::Format));
        assert!(matches!(look(&dir.path().join("gone.jpg").display().to_string()), Seen::Problem(Problem::Missing)));
        assert!(matches!(look(&dir.path().display().to_string()), Seen::Problem(Problem::NotFile)));
    }
}
