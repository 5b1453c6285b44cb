//! Bytes in, in bounded memory: opening a file or standard input, gzip, byte-order marks,
//! JSON Lines one line at a time, and the other formats whole up to a size limit.
//!
//! Every limit counts decompressed bytes, so a small `.gz` that expands to gigabytes (a gzip
//! bomb) stops at the limit instead of filling memory.

use std::fs;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::Path;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE};

use super::STDIN;

/// Longest line of a JSON Lines file that is read: a longer line is skipped with an error
/// naming it, and reading goes on at the next line without ever holding the long one.
pub const MAX_LINE_BYTES: usize = 64 << 20;

/// Largest `.txt`, `.md`, `.json` or `.html` file that is read, counted after decompression:
/// these formats are read whole, so a bigger file is refused with an error naming it.
pub const MAX_FILE_BYTES: u64 = 256 << 20;

/// Read buffer size: large reads are what make gzip and big files fast.
const BUFFER_BYTES: usize = 256 * 1024;

/// An input opened for reading.
pub(super) struct Opened {
    /// The bytes of the text: decompressed, without a byte-order mark, and transcoded to
    /// UTF-8 when the mark said UTF-16.
    pub reader: Box<dyn BufRead>,
    /// Whether the input is gzip-compressed: a read error then means corrupt data.
    pub gzip: bool,
    /// Whether a byte-order mark declared the encoding.
    pub bom: bool,
}

/// Opens a file (or standard input) for reading, decompressing gzip data whatever the file
/// is called (the two magic bytes decide, not the name) and handling a byte-order mark.
pub(super) fn open(path: &Path) -> Result<Opened, String> {
    let raw: Box<dyn Read> = if path.as_os_str() == STDIN {
        Box::new(io::stdin().lock())
    } else {
        Box::new(fs::File::open(path).map_err(|e| e.to_string())?)
    };
    let mut reader = BufReader::with_capacity(BUFFER_BYTES, raw);
    let head = reader.fill_buf().map_err(|e| e.to_string())?;
    let gzip = head.starts_with(&[0x1f, 0x8b]);
    if !gzip && !head.is_empty() && has_gz_extension(path) {
        return Err("named .gz but not gzip-compressed, skipped".into());
    }
    let reader: Box<dyn BufRead> = if gzip {
        let decoder = flate2::bufread::MultiGzDecoder::new(reader);
        Box::new(BufReader::with_capacity(BUFFER_BYTES, decoder))
    } else {
        Box::new(reader)
    };
    let (reader, bom) = without_bom(reader).map_err(|e| read_failed(&e, gzip))?;
    Ok(Opened {
        reader,
        gzip,
        bom: bom.is_some(),
    })
}

fn has_gz_extension(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"))
}

/// The message for a failed read: in gzip data, a read error means the data is corrupt.
pub(super) fn read_failed(error: &io::Error, gzip: bool) -> String {
    if gzip {
        format!("read failed: corrupt gzip data ({error})")
    } else {
        format!("read failed: {error}")
    }
}

/// Drops a byte-order mark from the start of `reader`, transcoding the rest to UTF-8 when it
/// says UTF-16; returns the encoding it named.
fn without_bom(
    mut reader: Box<dyn BufRead>,
) -> io::Result<(Box<dyn BufRead>, Option<&'static Encoding>)> {
    let head = reader.fill_buf()?;
    let bom = if head.len() >= 3 || head.is_empty() {
        let bom = Encoding::for_bom(head);
        reader.consume(bom.map_or(0, |(_, length)| length));
        bom
    } else {
        // A reader handing out fewer than three bytes at first: collect them.
        let mut head = Vec::with_capacity(3);
        while head.len() < 3 {
            let available = reader.fill_buf()?;
            if available.is_empty() {
                break;
            }
            let take = available.len().min(3 - head.len());
            head.extend_from_slice(&available[..take]);
            reader.consume(take);
        }
        let bom = Encoding::for_bom(&head);
        let rest = head.split_off(bom.map_or(0, |(_, length)| length));
        reader = Box::new(Cursor::new(rest).chain(reader));
        bom
    };
    match bom {
        Some((encoding, _)) if encoding == UTF_16LE || encoding == UTF_16BE => Ok((
            Box::new(Utf8Transcoder::new(reader, encoding)),
            Some(encoding),
        )),
        bom => Ok((reader, bom.map(|(encoding, _)| encoding))),
    }
}

/// Transcodes a stream to UTF-8 as it is read, a buffer at a time, so that a UTF-16 file of
/// any size reads like a UTF-8 one (JSON Lines split at its line breaks).
struct Utf8Transcoder<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    out: Vec<u8>,
    start: usize,
    end: usize,
    finished: bool,
}

impl<R: BufRead> Utf8Transcoder<R> {
    fn new(inner: R, encoding: &'static Encoding) -> Self {
        Utf8Transcoder {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            out: vec![0; BUFFER_BYTES],
            start: 0,
            end: 0,
            finished: false,
        }
    }
}

impl<R: BufRead> Read for Utf8Transcoder<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: BufRead> BufRead for Utf8Transcoder<R> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.start == self.end && !self.finished {
            let input = self.inner.fill_buf()?;
            let last = input.is_empty();
            let (result, read, written, _) =
                self.decoder.decode_to_utf8(input, &mut self.out, last);
            self.inner.consume(read);
            (self.start, self.end) = (0, written);
            self.finished = last && result == encoding_rs::CoderResult::InputEmpty;
        }
        Ok(&self.out[self.start..self.end])
    }

    fn consume(&mut self, amount: usize) {
        self.start = (self.start + amount).min(self.end);
    }
}

/// Reads a whole input of a format read whole, refusing one larger than [`MAX_FILE_BYTES`]
/// before holding it: a plain file by its size on disk, a gzip file by decompressing it once
/// without keeping anything (which also finds a corrupt one before any of it is parsed).
pub(super) fn read_whole(path: &Path, opened: Opened) -> Result<Vec<u8>, String> {
    let too_large = || {
        format!(
            "larger than {} MiB{}, the most lede reads of a .txt, .md, .json or .html file \
             (they are read whole), skipped",
            MAX_FILE_BYTES >> 20,
            if opened.gzip {
                " once decompressed"
            } else {
                ""
            }
        )
    };
    let size = if opened.gzip {
        decompressed_size(path).map_err(|e| read_failed(&e, true))?
    } else {
        fs::metadata(path).map_or(0, |m| m.len())
    };
    if size > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // The limit holds even for a file that grew since, or a pipe with no size.
    opened
        .reader
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| read_failed(&e, opened.gzip))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// How many bytes the gzip file at `path` decompresses to, counting no further than one past
/// [`MAX_FILE_BYTES`].
fn decompressed_size(path: &Path) -> io::Result<u64> {
    let file = BufReader::with_capacity(BUFFER_BYTES, fs::File::open(path)?);
    let decoder = flate2::bufread::MultiGzDecoder::new(file);
    io::copy(&mut decoder.take(MAX_FILE_BYTES + 1), &mut io::sink())
}

/// What [`LineReader::next_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Line {
    /// A line, now in [`LineReader::line`].
    Read,
    /// A line longer than the limit, skipped.
    TooLong,
}

/// Splits a stream at `\n` without ever holding more than `max` bytes of a line.
pub(super) struct LineReader<R> {
    inner: R,
    line: Vec<u8>,
    max: usize,
    number: usize,
}

impl<R: BufRead> LineReader<R> {
    /// Reads lines of at most `max` bytes from `inner`.
    pub fn new(inner: R, max: usize) -> Self {
        LineReader {
            inner,
            line: Vec::new(),
            max,
            number: 0,
        }
    }

    /// Reads the next line (its `\n` left out); `None` at the end of the stream. A line over
    /// the limit is consumed up to its end and reported as [`Line::TooLong`].
    pub fn next_line(&mut self) -> Option<io::Result<Line>> {
        // Give back the memory of a long line rather than keep it for short ones.
        if self.line.capacity() > BUFFER_BYTES * 4 {
            self.line = Vec::new();
        }
        self.line.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let available = match self.inner.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.number += 1;
                    return Some(Err(e));
                }
            };
            if available.is_empty() {
                if !any {
                    return None;
                }
                break;
            }
            any = true;
            let newline = available.iter().position(|&b| b == b'\n');
            let chunk = &available[..newline.unwrap_or(available.len())];
            if !too_long && self.line.len() + chunk.len() > self.max {
                too_long = true;
                self.line = Vec::new();
            }
            if !too_long {
                self.line.extend_from_slice(chunk);
            }
            let used = chunk.len() + usize::from(newline.is_some());
            self.inner.consume(used);
            if newline.is_some() {
                break;
            }
        }
        self.number += 1;
        Some(Ok(if too_long { Line::TooLong } else { Line::Read }))
    }

    /// The line last read (empty after [`Line::TooLong`]).
    pub fn line(&self) -> &[u8] {
        &self.line
    }

    /// The 1-based number of the line last read, or of the line a read error stopped in.
    pub fn number(&self) -> usize {
        self.number
    }

    /// The bytes after the line last read that are already buffered (reading more only when
    /// nothing is); a read error shows as nothing.
    pub fn peek(&mut self) -> &[u8] {
        self.inner.fill_buf().unwrap_or_default()
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    fn lines(input: &[u8], max: usize) -> Vec<(Line, Vec<u8>, usize)> {
        let mut reader = LineReader::new(input, max);
        let mut out = Vec::new();
        while let Some(line) = reader.next_line() {
            out.push((line.unwrap(), reader.line().to_vec(), reader.number()));
        }
        out
    }

    #[test]
    fn lines_are_split_at_newlines_and_long_ones_skipped_to_the_next() {
        let read = lines(b"ab\n\ncdefghij\nkl", 4);
        assert_eq!(
            read,
            [
                (Line::Read, b"ab".to_vec(), 1),
                (Line::Read, b"".to_vec(), 2),
                (Line::TooLong, b"".to_vec(), 3),
                (Line::Read, b"kl".to_vec(), 4),
            ]
        );
        assert_eq!(lines(b"abcd\n", 4)[0].0, Line::Read);
    }

    #[test]
    fn a_long_line_is_skipped_across_buffer_refills() {
        // A reader handing out 3 bytes at a time: the line spans many refills.
        let input = BufReader::with_capacity(3, &b"0123456789\nok\n"[..]);
        let mut reader = LineReader::new(input, 5);
        assert_eq!(reader.next_line().unwrap().unwrap(), Line::TooLong);
        assert_eq!(reader.next_line().unwrap().unwrap(), Line::Read);
        assert_eq!(reader.line(), b"ok");
        assert!(reader.next_line().is_none());
    }

    /// `text` in UTF-16 (encoding_rs only decodes it).
    pub(in crate::source) fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|unit| {
                if big_endian {
                    unit.to_be_bytes()
                } else {
                    unit.to_le_bytes()
                }
            })
            .collect()
    }

    #[test]
    fn a_short_first_read_still_finds_the_byte_order_mark() {
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(utf16("Oslo", false));
        let (mut reader, found) =
            without_bom(Box::new(BufReader::with_capacity(1, Cursor::new(bytes)))).unwrap();
        assert_eq!(found, Some(UTF_16LE));
        let mut out = String::new();
        reader.read_to_string(&mut out).unwrap();
        assert_eq!(out, "Oslo");
    }

    #[test]
    fn utf16_streams_are_transcoded_to_utf8() {
        for (encoding, bom) in [(UTF_16LE, [0xFF, 0xFE]), (UTF_16BE, [0xFE, 0xFF])] {
            let text = "{\"body\": \"Київ\"}\n{\"body\": \"東京\"}\n".repeat(20_000);
            let mut bytes = bom.to_vec();
            bytes.extend(utf16(&text, encoding == UTF_16BE));
            let (mut reader, found) = without_bom(Box::new(Cursor::new(bytes))).unwrap();
            assert_eq!(found, Some(encoding));
            let mut out = String::new();
            reader.read_to_string(&mut out).unwrap();
            assert_eq!(out, text);
        }
    }

    #[test]
    fn a_utf8_bom_is_dropped_and_short_inputs_survive() {
        let read = |bytes: &[u8]| {
            let (mut reader, bom) = without_bom(Box::new(Cursor::new(bytes.to_vec()))).unwrap();
            let mut out = Vec::new();
            reader.read_to_end(&mut out).unwrap();
            (out, bom.map(Encoding::name))
        };
        assert_eq!(read(b"\xEF\xBB\xBFhi"), (b"hi".to_vec(), Some("UTF-8")));
        assert_eq!(read(b"hi"), (b"hi".to_vec(), None));
        assert_eq!(read(b""), (Vec::new(), None));
    }
}
