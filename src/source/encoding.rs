//! Text that is not UTF-8: which legacy encoding it uses, decided once per file.
//!
//! `chardetng` (the detector Firefox uses) proposes an encoding from letter statistics. On
//! English news with a few symbols (`£600m`, `«croissants»`, `2½%`) it often proposes a
//! Central European encoding, which reads `£` as `Ł`, `«` as `Ť`, `±` as `ą`: the words
//! around those symbols then cannot be found. Windows-1252 is by far the most common legacy
//! encoding of the texts lede reads, so the proposal is kept only when it reads the bytes at
//! least as plausibly as Windows-1252 does (see [`Plausibility`]); Polish, Czech, Russian,
//! Greek or Japanese bytes are read as such, English symbols stay symbols.

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// How many bytes the legacy encoding of a file is decided from: enough text for letter
/// statistics, little enough to cost nothing next to indexing.
pub(super) const SAMPLE_BYTES: usize = 256 * 1024;

/// Decodes a whole file: UTF-8, or else the encoding `declared` (an HTML page's
/// `<meta charset>`), or else the legacy encoding detected from a sample. `from_bom` says the
/// bytes were transcoded to UTF-8 after a byte-order mark (see `stream::open`). The second
/// value is a warning saying which encoding was used when it was not UTF-8. Text holding a
/// NUL byte anywhere is refused as binary.
pub(super) fn decode(
    bytes: Vec<u8>,
    from_bom: bool,
    declared: Option<&'static Encoding>,
) -> Result<(String, Option<String>), String> {
    if bytes.contains(&0) {
        return Err("looks like a binary file (it contains NUL bytes), skipped".into());
    }
    let declared = declared.filter(|&encoding| encoding != UTF_8);
    let (bytes, bad) = match String::from_utf8(bytes) {
        // A byte-order mark is the strongest declaration there is: keep its reading.
        Err(e) if from_bom => return Ok((String::from_utf8_lossy(e.as_bytes()).into(), None)),
        // A page saved again as UTF-8 often keeps its old declaration: valid UTF-8 is UTF-8,
        // except that a 7-bit encoding (ISO-2022-JP) is only ever ASCII.
        Ok(text) => match declared {
            Some(encoding) if text.is_ascii() && !encoding.is_ascii_compatible() => {
                (text.into_bytes(), None)
            }
            _ => return Ok((text, None)),
        },
        Err(e) => {
            let bad = e.utf8_error().valid_up_to();
            (e.into_bytes(), Some(bad))
        }
    };
    let (encoding, why) = match declared {
        Some(encoding) => (encoding, ", the encoding the page declares"),
        None => {
            let start = sample_start(&bytes, bad.unwrap_or(0));
            let sample = &bytes[start..bytes.len().min(start + SAMPLE_BYTES)];
            (detect(sample, start + sample.len() == bytes.len()), "")
        }
    };
    let (text, _) = encoding.decode_without_bom_handling(&bytes);
    let warning = match bad {
        Some(bad) => format!(
            "not UTF-8 (first bad byte at offset {bad}): read as {}{why}",
            encoding.name()
        ),
        None => format!("read as {}{why}", encoding.name()),
    };
    Ok((text.into_owned(), Some(warning)))
}

/// Where a detection sample around the first byte that is not UTF-8 (at `bad`) starts: a
/// little before it, after a space or line break, so never inside a multi-byte character.
pub(super) fn sample_start(bytes: &[u8], bad: usize) -> usize {
    let cut = bad.saturating_sub(1024).min(bytes.len());
    let window = cut.saturating_sub(4096);
    bytes[window..cut]
        .iter()
        .rposition(|&b| b == b' ' || b == b'\n')
        .map_or(cut, |p| window + p + 1)
}

/// The legacy encoding of `sample`, a stretch of text that is not UTF-8; `complete` says
/// whether the sample runs to the end of the text (a multi-byte character may be cut short
/// otherwise). See the module documentation.
pub(super) fn detect(sample: &[u8], complete: bool) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(sample, complete);
    let proposed = detector.guess(None, chardetng::Utf8Detection::Deny);
    if proposed != WINDOWS_1252 && reads_as_well_as_windows_1252(proposed, sample) {
        proposed
    } else {
        WINDOWS_1252
    }
}

/// Whether `encoding` explains `sample` at least as well as Windows-1252 does.
fn reads_as_well_as_windows_1252(encoding: &'static Encoding, sample: &[u8]) -> bool {
    let western = chars(WINDOWS_1252, sample);
    let proposed = chars(encoding, sample);
    let (western, proposed) = if encoding.is_single_byte() && proposed.len() == western.len() {
        // One character a byte in both readings: compare them where they differ.
        let differ: Vec<usize> = (0..western.len())
            .filter(|&i| western[i] != proposed[i])
            .collect();
        (
            Plausibility::of(&western, &differ, false),
            Plausibility::of(&proposed, &differ, false),
        )
    } else {
        (
            Plausibility::of(&western, &non_ascii(&western), false),
            Plausibility::of(&proposed, &non_ascii(&proposed), true),
        )
    };
    // In a tie where both readings make letters of the same bytes, only letter statistics
    // (chardetng's) tell the languages apart: Czech `ř` and Danish `ø` are both letters.
    proposed.score > western.score
        || (proposed.score == western.score && western.others == 0 && proposed.others == 0)
}

fn chars(encoding: &'static Encoding, bytes: &[u8]) -> Vec<char> {
    encoding
        .decode_without_bom_handling(bytes)
        .0
        .chars()
        .collect()
}

fn non_ascii(text: &[char]) -> Vec<usize> {
    (0..text.len()).filter(|&i| !text[i].is_ascii()).collect()
}

/// How much one reading of some bytes looks like text, counted over chosen characters.
///
/// Points for letters in words and for symbols beside words or numbers (`£600m`, `2½%`,
/// `«Non»`); points off for control characters and undecodable bytes, symbols inside a word
/// (`szko³y`), symbols glued to a word that never are (`¾udia`), letters glued to a number
/// (`Ł600m`), and words no language spells: alphabets mixed in one word (`cafй`), or a
/// Latin word of accented letters only (`Ïðåçèäåíò`, Russian read as Windows-1252).
#[derive(Debug, Default, PartialEq, Eq)]
struct Plausibility {
    score: i64,
    /// Characters that are not letters: symbols, punctuation, control characters.
    others: usize,
}

impl Plausibility {
    /// Scores the characters of `text` at `positions`. With `multibyte`, characters beyond
    /// U+0800 count double: they stand for two bytes, each of which is one character in the
    /// single-byte reading they are compared with.
    fn of(text: &[char], positions: &[usize], multibyte: bool) -> Plausibility {
        let mut plausibility = Plausibility::default();
        for &i in positions {
            let c = text[i];
            let points = if c == char::REPLACEMENT_CHARACTER || c.is_control() {
                plausibility.others += 1;
                -4
            } else if is_letter(c) {
                letter_points(text, i)
            } else {
                plausibility.others += 1;
                symbol_points(text, i)
            };
            let halfwidth_kana = ('\u{FF61}'..='\u{FF9F}').contains(&c);
            let weight = if multibyte && c >= '\u{800}' && !halfwidth_kana {
                2
            } else {
                1
            };
            plausibility.score += points * weight;
        }
        plausibility
    }
}

/// A letter of a word. The ordinal indicators and the micro sign are letters to Unicode but
/// stand beside numbers like symbols do (`1ª`, `5µm`).
fn is_letter(c: char) -> bool {
    c.is_alphabetic() && !matches!(c, 'ª' | 'º' | 'µ')
}

/// Points for the letter at `text[i]`, judged by the word around it.
fn letter_points(text: &[char], i: usize) -> i64 {
    let start = text[..i]
        .iter()
        .rposition(|&c| !is_letter(c))
        .map_or(0, |p| p + 1);
    let end = text[i..]
        .iter()
        .position(|&c| !is_letter(c))
        .map_or(text.len(), |p| i + p);
    let word = &text[start..end];
    let digit_at = |j: Option<usize>| {
        j.and_then(|j| text.get(j))
            .is_some_and(char::is_ascii_digit)
    };
    let glued_to_number = digit_at(start.checked_sub(1)) || digit_at(Some(end));
    if mixes_scripts(word) {
        -2
    } else if is_accented_gibberish(word) {
        -1
    } else if glued_to_number && script(text[i]) <= Script::Cyrillic {
        -2
    } else if word.len() == 1 {
        0
    } else {
        1
    }
}

/// Symbols that stand right beside a word: quotation marks, Spanish opening marks,
/// superscripts and ordinal indicators (`m²`, `nº`), marks (`Brand™`), units (`µg`).
const WORD_SIDE_SYMBOLS: &[char] = &[
    '«', '»', '¿', '¡', '¹', '²', '³', '°', '™', '®', '©', 'ª', 'º', 'µ',
];

/// Points for the character at `text[i]`, neither a letter nor a control character.
fn symbol_points(text: &[char], i: usize) -> i64 {
    let c = text[i];
    // Spaces, dashes, curly quotes, ellipses and CJK punctuation sit anywhere.
    let neutral = c.is_whitespace()
        || matches!(c, '´' | '·')
        || ('\u{2010}'..='\u{205F}').contains(&c)
        || c >= '\u{2E80}';
    if neutral {
        return 0;
    }
    let ends_token = |c: &&char| c.is_whitespace() || c.is_ascii_punctuation();
    let letter_before = text[..i]
        .iter()
        .rev()
        .take_while(|c| !ends_token(c))
        .any(|&c| is_letter(c));
    let letter_after = text[i + 1..]
        .iter()
        .take_while(|c| !ends_token(c))
        .any(|&c| is_letter(c));
    let beside_letter = text[i.saturating_sub(1)..text.len().min(i + 2)]
        .iter()
        .any(|&c| is_letter(c));
    if letter_before && letter_after {
        -2
    } else if beside_letter && !WORD_SIDE_SYMBOLS.contains(&c) {
        -1
    } else {
        1
    }
}

/// Writing systems told apart to catch words that mix them. CJK scripts mix freely with
/// Latin (`NHKは`), so they are never counted as a mix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Script {
    Latin,
    Greek,
    Cyrillic,
    Other,
    Cjk,
}

fn script(c: char) -> Script {
    match c {
        'A'..='Z' | 'a'..='z' | '\u{C0}'..='\u{24F}' | '\u{1E00}'..='\u{1EFF}' => Script::Latin,
        '\u{370}'..='\u{3FF}' => Script::Greek,
        '\u{400}'..='\u{52F}' => Script::Cyrillic,
        _ if c >= '\u{2E80}' => Script::Cjk,
        _ => Script::Other,
    }
}

/// A word written in more than one alphabet (`cafй`: Latin and Cyrillic).
fn mixes_scripts(word: &[char]) -> bool {
    let mut scripts = word
        .iter()
        .map(|&c| script(c))
        .filter(|&s| s != Script::Cjk);
    let Some(first) = scripts.next() else {
        return false;
    };
    scripts.any(|s| s != first)
}

/// A Latin word of four letters or more, over two thirds of them accented: what Cyrillic,
/// Greek or Hebrew looks like read as Windows-1252. (`łóżko` and `příští` stay below.)
fn is_accented_gibberish(word: &[char]) -> bool {
    let accented = word.iter().filter(|c| !c.is_ascii()).count();
    word.len() >= 4 && script(word[0]) == Script::Latin && accented * 3 > word.len() * 2
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` encoded as `label`, and the encoding lede detects for it.
    fn detected(label: &str, text: &str) -> (&'static Encoding, Vec<u8>) {
        let encoding = Encoding::for_label(label.as_bytes()).unwrap();
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(!unmappable, "{text:?} cannot be written in {label}");
        (detect(&bytes, true), bytes.into_owned())
    }

    /// Asserts that `text` written in `label` is read back unchanged.
    fn reads_back(label: &str, text: &str) {
        let (encoding, bytes) = detected(label, text);
        let (read, _) = encoding.decode_without_bom_handling(&bytes);
        assert_eq!(read, text, "{label} read as {}", encoding.name());
    }

    #[test]
    fn english_symbols_are_read_as_windows_1252_not_central_european() {
        let samples = [
            "Lawyers defending former WorldCom chief Bernie Ebbers have called a whistleblower. \
             The firm agreed to pay a settlement (£600m) to investors, and shares fell 2½%.",
            "Café culture\n\nThe owners said «croissants» were selling well.\n",
            "Toyota made ¥1.2tn in the year, up ±0.3 on forecasts; rates rose ¼ point and ¾ of \
             analysts agreed.",
            "Rates rose by ½ a point to 3¼%, with a margin of ±0.2; «We are cautious», it added.",
            "Manchester United paid £89m for Pogba. The club’s chief said: “We are delighted.” \
             Shares rose 3½p to 412½p – a record.",
        ];
        for text in samples {
            let (encoding, _) = detected("windows-1252", text);
            assert_eq!(encoding, WINDOWS_1252, "{text}");
            let (encoding, _) = detected(
                "iso-8859-1",
                text.replace(['’', '“', '”', '–'], "'").as_str(),
            );
            assert_eq!(encoding, WINDOWS_1252, "{text}");
        }
    }

    #[test]
    fn western_european_languages_stay_windows_1252() {
        for text in [
            "Le président français a déclaré que l'économie était forte. « Nous allons réussir », \
             a-t-il ajouté à Marseille, où il était en visite.",
            "Die Bundesregierung hat am Mittwoch beschlossen, die Förderung für Elektroautos zu \
             verlängern. Der Verkehrsminister äußerte sich zufrieden über die Größe des Pakets.",
            "El presidente del Gobierno español anunció el miércoles una reducción de impuestos. \
             ¿Será suficiente? La oposición criticó la decisión del ministro.",
            "Søren Kierkegaard's house in København was sold; Bjørn Ulvæus and Þór Ólafsson came.",
        ] {
            assert_eq!(detected("windows-1252", text).0, WINDOWS_1252, "{text}");
        }
    }

    #[test]
    fn central_european_cyrillic_greek_and_east_asian_text_is_read_as_such() {
        let polish = "Prezydent Polski spotkał się w środę z premierem. Rozmowy dotyczyły \
                      współpracy gospodarczej i bezpieczeństwa w regionie. Według rzecznika, \
                      spotkanie przebiegło w przyjaznej atmosferze.";
        let czech = "Vláda v pondělí schválila návrh zákona o státním rozpočtu. Ministr financí \
                     řekl, že schodek bude nižší, než se čekalo. Opozice kritizuje škrty ve \
                     zdravotnictví.";
        let russian = "Президент России провёл в среду встречу с министрами. Обсуждались вопросы \
                       экономики и безопасности страны.";
        let greek = "Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία. Ο πρωθυπουργός δήλωσε \
                     ότι η ανάπτυξη θα συνεχιστεί.";
        let japanese =
            "政府は水曜日、新たな経済対策を発表した。首相は記者会見で、景気の回復を強調した。";
        for (label, text) in [
            ("windows-1250", polish),
            ("iso-8859-2", polish),
            ("windows-1250", czech),
            ("iso-8859-2", czech),
            (
                "windows-1250",
                "Slovenská vláda v stredu schválila nový zákon o dani z príjmov. \
                              Minister financií povedal, že deficit bude nižší. Opozícia \
                              kritizuje, že ľudia zaplatia viac.",
            ),
            ("windows-1251", russian),
            ("koi8-r", russian),
            (
                "windows-1251",
                "Україна отримала нову партію допомоги від союзників, повідомив \
                              міністр оборони у четвер.",
            ),
            ("windows-1253", greek),
            ("iso-8859-7", greek),
            ("shift_jis", japanese),
            ("euc-jp", japanese),
            ("gbk", "国务院总理在记者会上表示，中国经济将保持稳定增长。"),
            ("big5", "行政院長表示，台灣經濟今年將穩定成長。"),
            (
                "euc-kr",
                "정부는 수요일 새로운 경제 대책을 발표했다. 대통령은 경기 회복을 강조했다.",
            ),
            (
                "windows-1254",
                "Cumhurbaşkanı çarşamba günü yeni ekonomik önlemleri açıkladı.",
            ),
        ] {
            reads_back(label, text);
        }
    }

    #[test]
    fn the_decision_is_made_once_for_the_whole_text() {
        let text = "Le président a déclaré que l'économie était forte à Marseille.\n\
                    The deal was worth £600m (about €700m) to the company.\n";
        let (bytes, _, _) = WINDOWS_1252.encode(text);
        let (read, warning) = decode(bytes.into_owned(), false, None).unwrap();
        assert_eq!(read, text);
        assert_eq!(
            warning.as_deref(),
            Some("not UTF-8 (first bad byte at offset 5): read as windows-1252")
        );
    }

    #[test]
    fn a_declared_encoding_is_used_for_bytes_that_are_not_utf8() {
        let russian = "Президент России провёл встречу.";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(russian);
        let koi8 = Encoding::for_label(b"koi8-r");
        // Read as KOI8-R, since that is what is declared, even if another reading is likelier.
        let (read, warning) = decode(bytes.clone().into_owned(), false, koi8).unwrap();
        assert_eq!(read, koi8.unwrap().decode_without_bom_handling(&bytes).0);
        assert!(warning
            .unwrap()
            .contains("read as KOI8-R, the encoding the page declares"));
        // Valid UTF-8 stays UTF-8 whatever is declared.
        let (read, warning) = decode(russian.as_bytes().to_vec(), false, koi8).unwrap();
        assert_eq!((read.as_str(), warning), (russian, None));
    }

    #[test]
    fn a_declared_7_bit_encoding_is_used_for_ascii_bytes() {
        let iso_2022_jp = b"\x1b$B$3$s\x1b(B NHK".to_vec();
        let declared = Encoding::for_label(b"iso-2022-jp");
        let (read, warning) = decode(iso_2022_jp, false, declared).unwrap();
        assert_eq!(read, "こん NHK");
        assert_eq!(
            warning.as_deref(),
            Some("read as ISO-2022-JP, the encoding the page declares")
        );
    }

    #[test]
    fn nul_bytes_anywhere_make_a_file_binary() {
        let mut bytes = b"Oslo. ".repeat(10_000);
        bytes.extend_from_slice(b"\0zebra");
        assert!(decode(bytes, false, None).unwrap_err().contains("binary"));
    }

    #[test]
    fn scores_tell_symbols_from_letters_of_another_alphabet() {
        let score = |text: &str| {
            let chars: Vec<char> = text.chars().collect();
            Plausibility::of(&chars, &non_ascii(&chars), false).score
        };
        assert!(score("(£600m)") > score("(Ł600m)"));
        assert!(score("szkoły") > score("szko³y"));
        assert!(score("Президент") > score("Ïðåçèäåíò"));
        assert!(score("café") > score("cafй"));
    }
}
