//! Line-by-line reading of delimited numeric text, shared by the text readers (UI-PRMD, KIMORE,
//! KERAAL Kinect, generic CSV), and the sniffing helpers they have in common.
//!
//! Lines are streamed through one reused buffer, so a long recording is never held in memory
//! as text (style guide §7). Every error names the file, the 1-based line and, for a bad value,
//! the 1-based column, and says what was expected and what was found (style guide §3).

use crate::error::{FormatError, Location, Result};
use std::io::{BufRead, Read};

/// Longest line accepted, in bytes. A 1000-joint CSV row of 20-character numbers is about
/// 60 KB; anything past 4 MiB is not a recording line, and reading it whole would let a
/// corrupt file without newlines exhaust memory.
pub(crate) const MAX_LINE_BYTES: u64 = 4 << 20;

/// How fields are separated on a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Separator {
    /// One comma between fields (UI-PRMD, KIMORE, generic CSV).
    Comma,
    /// Any run of spaces or tabs (KERAAL).
    Whitespace,
}

impl Separator {
    /// Splits a line into fields. A comma-separated line keeps empty fields (an empty cell is
    /// a value); whitespace never produces empty fields.
    pub(crate) fn split(self, line: &str) -> Box<dyn Iterator<Item = &str> + '_> {
        match self {
            Separator::Comma => Box::new(line.split(',')),
            Separator::Whitespace => Box::new(line.split_ascii_whitespace()),
        }
    }

    /// Words for messages ("comma-separated").
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Separator::Comma => "comma-separated",
            Separator::Whitespace => "space-separated",
        }
    }
}

/// A line of text and where it was.
pub(crate) struct Line<'a> {
    /// 1-based line number in the file.
    pub number: usize,
    /// The line without its terminator (`\n` or `\r\n`).
    pub text: &'a str,
    /// False when the file ended without a newline after this line: if the line is also
    /// short, the file was most likely cut off while being written or copied.
    pub terminated: bool,
}

/// Streams the lines of a text file.
pub(crate) struct LineReader<'r> {
    reader: &'r mut dyn BufRead,
    path: &'r str,
    /// The current line, validated as UTF-8 once (its bytes are reused for the next line).
    line: String,
    number: usize,
    terminated: bool,
}

impl<'r> LineReader<'r> {
    /// Reads `reader`, naming `path` in errors.
    pub(crate) fn new(reader: &'r mut dyn BufRead, path: &'r str) -> Self {
        LineReader {
            reader,
            path,
            line: String::with_capacity(4096),
            number: 0,
            terminated: true,
        }
    }

    /// The next line that is not blank, or `None` at the end of the file.
    pub(crate) fn next_non_blank(&mut self) -> Result<Option<Line<'_>>> {
        loop {
            if !self.advance()? {
                return Ok(None);
            }
            if !self.current().text.trim().is_empty() {
                return Ok(Some(self.current()));
            }
        }
    }

    /// Reads the next line into the buffer (without its terminator, checked to be UTF-8);
    /// false at the end of the file.
    fn advance(&mut self) -> Result<bool> {
        let mut buf = std::mem::take(&mut self.line).into_bytes();
        buf.clear();
        self.number += 1;
        let n = (&mut *self.reader)
            .take(MAX_LINE_BYTES + 1)
            .read_until(b'\n', &mut buf)
            .map_err(|e| FormatError::io(self.path, &e))?;
        if n == 0 {
            return Ok(false);
        }
        if n as u64 > MAX_LINE_BYTES {
            return Err(FormatError::at_line(
                self.path,
                self.number,
                format!(
                    "expected a text line of numbers, found a line longer than {} MiB \
                     (is this a binary file?)",
                    MAX_LINE_BYTES >> 20
                ),
            ));
        }
        self.terminated = buf.last() == Some(&b'\n');
        while matches!(buf.last(), Some(b'\n' | b'\r')) {
            buf.pop();
        }
        self.line = String::from_utf8(buf).map_err(|e| {
            FormatError::new(
                self.path,
                Some(Location::LineColumn(
                    self.number,
                    e.utf8_error().valid_up_to() + 1,
                )),
                "expected text (UTF-8), found a byte that is not text (is this a binary file?)",
            )
        })?;
        Ok(true)
    }

    /// The line read by [`Self::advance`].
    fn current(&self) -> Line<'_> {
        Line {
            number: self.number,
            text: &self.line,
            terminated: self.terminated,
        }
    }
}

/// Parses one numeric field: a decimal number, or `NaN` (any case) for a missing value.
/// Returns what is wrong otherwise (for the caller to place in the file).
pub(crate) fn parse_number(field: &str) -> std::result::Result<f64, String> {
    // Most fields are plain decimals without surrounding blanks ("-3.502800"): take those
    // without the general parser.
    if let Some(v) = parse_plain_decimal(field.as_bytes()) {
        return Ok(v);
    }
    let f = field.trim();
    if f.is_empty() {
        return Err("expected a number, found an empty field".to_string());
    }
    match f.parse::<f64>() {
        Ok(v) if v.is_nan() => Ok(f64::NAN),
        Ok(v) if v.is_infinite() => Err(format!("expected a finite number, found {}", quoted(f))),
        Ok(v) => Ok(v),
        Err(_) => Err(format!("expected a number, found {}", quoted(f))),
    }
}

/// The powers of ten that an `f64` holds exactly (10^0 to 10^22).
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// The value of a plain decimal field (`[+-]digits[.digits]`, no blanks, no exponent) when it
/// can be computed exactly the fast way, else `None` (the caller then uses the general parser).
///
/// Clinger's fast path (W. D. Clinger, "How to read floating point numbers accurately",
/// PLDI 1990): when the digits without the point form an integer below 2^53 and there are at
/// most 22 digits after the point, both that integer and the power of ten are exact `f64`s,
/// so one IEEE division gives the correctly rounded value, the same bits as
/// `str::parse::<f64>` (checked by a property test). Hand-written rather than a crate because
/// it is twenty lines and measured 3-4x faster than the general parser on recording text,
/// where reading numbers is most of the time spent reading a file (BENCHMARKS.md).
fn parse_plain_decimal(b: &[u8]) -> Option<f64> {
    match scan_plain_decimal(b)? {
        (value, used) if used == b.len() => Some(value),
        _ => None,
    }
}

/// Reads a plain decimal at the start of `b` (see [`parse_plain_decimal`]) up to the first
/// byte that cannot continue it: its exact value and the bytes it used, or `None` when there
/// is no such number or its value needs the general parser.
fn scan_plain_decimal(b: &[u8]) -> Option<(f64, usize)> {
    let negative = matches!(b.first(), Some(b'-'));
    let mut used = usize::from(matches!(b.first(), Some(b'-' | b'+')));
    let mut mantissa: u64 = 0;
    // Digits before the point, then (after a point) the digits after it: two tight loops.
    // Wrapping: more than 19 digits can overflow; such a field is rejected below before the
    // value is used.
    let mut digits = |used: &mut usize| {
        let from = *used;
        while let Some(&c @ b'0'..=b'9') = b.get(*used) {
            mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(c - b'0'));
            *used += 1;
        }
        *used - from
    };
    let mut count = digits(&mut used);
    let mut decimals = 0;
    if b.get(used) == Some(&b'.') {
        used += 1;
        decimals = digits(&mut used);
        count += decimals;
    }
    // 19 decimal digits always fit in a u64.
    if count == 0 || count > 19 || mantissa > (1u64 << 53) {
        return None;
    }
    let power = EXACT_POWERS_OF_TEN.get(decimals)?;
    // Exact: mantissa <= 2^53 converts without rounding.
    #[allow(clippy::cast_precision_loss)]
    let value = mantissa as f64 / power;
    Some((if negative { -value } else { value }, used))
}

/// Parses a comma-separated row of exactly `expected` plain decimals (an optional trailing
/// comma allowed) in one pass over the bytes, into `out`; false, with `out` in any state, for
/// anything else (blanks, `NaN`, exponents, a wrong count, a bad field), which the general
/// path then parses and reports. The fast path of the text readers: a UI-PRMD or KIMORE row
/// is nothing but such numbers.
fn parse_plain_comma_row(b: &[u8], expected: usize, out: &mut Vec<f64>) -> bool {
    let mut rest = b.strip_suffix(b",").unwrap_or(b);
    loop {
        let Some((value, used)) = scan_plain_decimal(rest) else {
            return false;
        };
        if out.len() == expected {
            return false;
        }
        out.push(value);
        match rest.get(used..) {
            Some([]) | None => return out.len() == expected,
            Some([b',', tail @ ..]) => rest = tail,
            Some(_) => return false,
        }
    }
}

/// A field value quoted for a message, shortened when long.
pub(crate) fn quoted(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() > MAX {
        let short: String = s.chars().take(MAX).collect();
        format!("{short:?}...")
    } else {
        format!("{s:?}")
    }
}

/// The file-truncation hint added to a short last line's error.
pub(crate) fn truncation_hint(line: &Line<'_>, found: usize, expected: usize) -> &'static str {
    if !line.terminated && found < expected {
        "; the last line ends without a newline, so the file looks truncated"
    } else {
        ""
    }
}

/// Parses a line of exactly `expected` numbers into `out` (cleared first). `layout` describes
/// the row for messages (`22 joints x (x, y, z)`). A comma-separated line may end with one
/// extra empty field (a trailing comma, as some exporters write).
pub(crate) fn parse_numeric_row(
    path: &str,
    line: &Line<'_>,
    sep: Separator,
    expected: usize,
    layout: &str,
    out: &mut Vec<f64>,
) -> Result<()> {
    out.clear();
    if sep == Separator::Comma && parse_plain_comma_row(line.text.as_bytes(), expected, out) {
        return Ok(());
    }
    out.clear();
    // One pass over the fields (this is the hot loop of every text reader); the count is
    // checked after, and a bad field before the count is known is reported only if the
    // count is right, so that a truncated line says "truncated", not "bad number".
    let mut bad: Option<(usize, String)> = None;
    let mut found = 0usize;
    let mut push = |field: &str| {
        if found < expected && bad.is_none() {
            match parse_number(field) {
                Ok(v) => out.push(v),
                Err(msg) => bad = Some((found + 1, msg)),
            }
        }
        found += 1;
    };
    match sep {
        Separator::Comma => line.text.split(',').for_each(&mut push),
        Separator::Whitespace => line.text.split_ascii_whitespace().for_each(&mut push),
    }
    if sep == Separator::Comma && found == expected + 1 && line.text.trim_end().ends_with(',') {
        found = expected;
    }
    if found != expected {
        return Err(FormatError::at_line(
            path,
            line.number,
            format!(
                "expected {expected} {} values ({layout}), found {found}{}",
                sep.describe(),
                truncation_hint(line, found, expected)
            ),
        ));
    }
    if let Some((column, msg)) = bad {
        return Err(FormatError::new(
            path,
            Some(Location::LineColumn(line.number, column)),
            msg,
        ));
    }
    Ok(())
}

/// Reads every non-blank line of a headerless numeric file, each exactly `expected` numbers,
/// calling `per_row` with the line number and the values; returns the number of rows. An
/// empty file (no data row) is an error that says what a row should look like.
pub(crate) fn for_each_numeric_row(
    reader: &mut dyn BufRead,
    path: &str,
    sep: Separator,
    expected: usize,
    layout: &str,
    mut per_row: impl FnMut(usize, &[f64]) -> Result<()>,
) -> Result<usize> {
    let mut lines = LineReader::new(reader, path);
    let mut values = Vec::with_capacity(expected);
    let mut rows = 0usize;
    while let Some(line) = lines.next_non_blank()? {
        parse_numeric_row(path, &line, sep, expected, layout, &mut values)?;
        per_row(line.number, &values)?;
        rows += 1;
    }
    if rows == 0 {
        return Err(FormatError::new(
            path,
            None,
            format!(
                "the file has no data rows; expected lines of {expected} {} numbers ({layout})",
                sep.describe()
            ),
        ));
    }
    Ok(rows)
}

/// True when the first bytes belong to a format another reader owns and no reader here should
/// claim: C3D (byte 1 is the parameter-section marker 0x50, and the header is binary: byte 0,
/// the parameter block number, is a control byte, or zero bytes follow) and TRC (first line
/// starts with `PathFileType`). The binary test keeps a text file whose second character
/// happens to be `P` readable.
pub(crate) fn is_c3d_or_trc(head: &[u8]) -> bool {
    let c3d = head.get(1) == Some(&0x50)
        && (head.first().is_some_and(|b| *b < 0x20) || head.contains(&0));
    c3d || head.trim_ascii_start().starts_with(b"PathFileType")
}

/// The complete lines of the sniffed head (the last one is dropped when the head ends
/// mid-line), skipping blank lines; nothing if the head is not text.
pub(crate) fn head_lines(head: &[u8]) -> Vec<&str> {
    let Ok(text) = std::str::from_utf8(head).or_else(|e| {
        // The head may end in the middle of a multi-byte character: keep the valid part.
        std::str::from_utf8(head.get(..e.valid_up_to()).unwrap_or_default())
    }) else {
        return Vec::new();
    };
    let complete = if head.len() < crate::SNIFF_BYTES {
        text
    } else {
        match text.rfind('\n') {
            Some(end) => text.get(..end).unwrap_or_default(),
            None => "",
        }
    };
    complete.lines().filter(|l| !l.trim().is_empty()).collect()
}

/// The fields of a line if every one is a number (a trailing comma is allowed), else `None`.
pub(crate) fn numeric_fields(line: &str, sep: Separator) -> Option<Vec<f64>> {
    let line = match sep {
        Separator::Comma => line.trim_end().strip_suffix(',').unwrap_or(line),
        Separator::Whitespace => line,
    };
    sep.split(line).map(|f| parse_number(f).ok()).collect()
}

/// Converts a data-model error (a table that does not fit its skeleton) into a reading error
/// naming the file.
pub(crate) fn model_error(path: &str, e: relearn_core::Error) -> FormatError {
    FormatError::new(path, None, e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(text: &str) -> Vec<(usize, String, bool)> {
        let mut bytes = text.as_bytes();
        let mut r = LineReader::new(&mut bytes, "t.txt");
        let mut out = Vec::new();
        while let Some(l) = r.next_non_blank().unwrap() {
            out.push((l.number, l.text.to_string(), l.terminated));
        }
        out
    }

    #[test]
    fn crlf_and_blank_lines_are_handled_and_line_numbers_count_blanks() {
        let got = lines_of("1,2\r\n\r\n3,4\n5,6");
        assert_eq!(
            got,
            vec![
                (1, "1,2".to_string(), true),
                (3, "3,4".to_string(), true),
                (4, "5,6".to_string(), false)
            ]
        );
    }

    #[test]
    fn non_utf8_bytes_are_reported_with_line_and_column() {
        let mut bytes: &[u8] = b"1,2\n3,\xff\n";
        let mut r = LineReader::new(&mut bytes, "t.txt");
        assert!(r.next_non_blank().unwrap().is_some());
        let e = r.next_non_blank().err().unwrap();
        assert_eq!(e.location, Some(Location::LineColumn(2, 3)));
        assert!(e.message.contains("not text"), "{e}");
    }

    proptest::proptest! {
        /// The fast path gives the same bits as the general parser, or leaves the field to it.
        #[test]
        fn plain_decimals_parse_exactly_like_std(
            int in "[+-]?[0-9]{0,12}",
            frac in proptest::option::of("[0-9]{0,12}"),
        ) {
            let s = match &frac { Some(f) => format!("{int}.{f}"), None => int.clone() };
            let fast = parse_plain_decimal(s.as_bytes());
            match s.parse::<f64>() {
                Ok(v) => {
                    if let Some(f) = fast {
                        proptest::prop_assert_eq!(f.to_bits(), v.to_bits(), "{}", s);
                    }
                }
                Err(_) => proptest::prop_assert!(fast.is_none(), "{}", s),
            }
        }

        /// Rows of plain decimals of many lengths read the same bits as the general parser,
        /// field by field.
        #[test]
        fn plain_rows_parse_exactly_like_std(
            fields in proptest::collection::vec("-?[0-9]{1,11}(\\.[0-9]{0,10})?", 1..12),
        ) {
            let line = fields.join(",");
            let mut out = Vec::new();
            if parse_plain_comma_row(line.as_bytes(), fields.len(), &mut out) {
                for (f, v) in fields.iter().zip(&out) {
                    proptest::prop_assert_eq!(f.parse::<f64>().unwrap().to_bits(), v.to_bits(), "{}", f);
                }
            } else {
                // Only a value the fast path cannot compute exactly is left to the general one.
                proptest::prop_assert!(fields.iter().any(|f| parse_plain_decimal(f.as_bytes()).is_none()));
            }
        }

        /// Values written by the usual exporters (`{:.6}`, shortest round-trip) parse exactly.
        #[test]
        fn written_values_take_the_fast_path_exactly(v in -1.0e6f64..1.0e6) {
            for s in [format!("{v:.6}"), format!("{v}"), format!("{v:.3}")] {
                let expected = s.parse::<f64>().unwrap();
                proptest::prop_assert_eq!(parse_number(&s).unwrap().to_bits(), expected.to_bits());
            }
        }
    }

    #[test]
    fn plain_comma_rows_take_the_fast_path_or_leave_the_row() {
        let mut out = Vec::new();
        assert!(parse_plain_comma_row(b"-3.5,0.000020,12,", 3, &mut out));
        assert_eq!(out, vec![-3.5, 0.00002, 12.0]);
        for general in [
            &b"1,2"[..],
            b"1,2,3,4",
            b"1,,3",
            b"1, 2,3",
            b"1,2,NaN",
            b"1,2,3e1",
            b"1,2,3,,",
            b"",
            b"1,2,3\t",
        ] {
            out.clear();
            assert!(!parse_plain_comma_row(general, 3, &mut out), "{general:?}");
        }
    }

    /// Found by `cargo fuzz run read_ui_prmd`: twenty digits overflowed the mantissa.
    #[test]
    fn twenty_digit_fields_do_not_overflow() {
        assert_eq!(parse_plain_decimal(b"44444444444444454444"), None);
        assert_eq!(
            parse_number("44444444444444454444"),
            Ok(44444444444444454444.0)
        );
        assert_eq!(parse_plain_decimal(b"-99999999999999999999"), None);
        let mut out = Vec::new();
        assert!(!parse_plain_comma_row(b"99999999999999999999", 1, &mut out));
    }

    #[test]
    fn plain_decimal_fast_path_cases() {
        assert_eq!(parse_plain_decimal(b"-3.502800"), Some(-3.5028));
        assert_eq!(parse_plain_decimal(b"0.1"), Some(0.1));
        assert_eq!(
            parse_plain_decimal(b"-0.000000").map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
        assert_eq!(parse_plain_decimal(b"5."), Some(5.0));
        assert_eq!(parse_plain_decimal(b".5"), Some(0.5));
        // Short and long runs of digits.
        for text in [
            "7",
            "12345678",
            "123456789",
            "1234567.87654321",
            "-235.881530",
            "90071992547409.9",
            "0.0000000000000001",
        ] {
            assert_eq!(
                parse_plain_decimal(text.as_bytes()).map(f64::to_bits),
                Some(text.parse::<f64>().unwrap().to_bits()),
                "{text}"
            );
        }
        let mut out = Vec::new();
        assert!(parse_plain_comma_row(
            b"-235.881530,12345678,1.5",
            3,
            &mut out
        ));
        assert_eq!(out, vec![-235.88153, 12345678.0, 1.5]);
        for general in [
            "1e5",
            " 1",
            "1 ",
            "1.2.3",
            "-",
            ".",
            "",
            "nan",
            "9007199254740993",
            "1,5",
        ] {
            assert_eq!(parse_plain_decimal(general.as_bytes()), None, "{general}");
        }
        // The general parser still handles what the fast path leaves.
        assert_eq!(parse_number("1e5"), Ok(1e5));
        assert_eq!(parse_number("9007199254740993"), Ok(9007199254740993.0));
    }

    #[test]
    fn numbers_nan_and_bad_values() {
        assert_eq!(parse_number(" 1.5 "), Ok(1.5));
        assert!(parse_number("NaN").unwrap().is_nan());
        assert!(parse_number("nan").unwrap().is_nan());
        assert!(parse_number("inf").unwrap_err().contains("finite"));
        assert!(parse_number("").unwrap_err().contains("empty"));
        assert!(parse_number("1,5").unwrap_err().contains("\"1,5\""));
    }

    #[test]
    fn row_with_wrong_count_says_expected_and_found_and_truncation() {
        let line = Line {
            number: 7,
            text: "1,2",
            terminated: false,
        };
        let mut out = Vec::new();
        let e = parse_numeric_row("f.txt", &line, Separator::Comma, 3, "1 joint x 3", &mut out)
            .unwrap_err();
        assert_eq!(e.location, Some(Location::Line(7)));
        assert!(
            e.message.contains("expected 3 comma-separated values"),
            "{e}"
        );
        assert!(e.message.contains("found 2"), "{e}");
        assert!(e.message.contains("truncated"), "{e}");
        let line = Line {
            number: 1,
            text: "1,2,3,",
            terminated: true,
        };
        parse_numeric_row("f.txt", &line, Separator::Comma, 3, "", &mut out).unwrap();
        assert_eq!(out, vec![1.0, 2.0, 3.0]);
        let line = Line {
            number: 2,
            text: "1 x 3",
            terminated: true,
        };
        let e =
            parse_numeric_row("f.txt", &line, Separator::Whitespace, 3, "", &mut out).unwrap_err();
        assert_eq!(e.location, Some(Location::LineColumn(2, 2)));
    }

    #[test]
    fn head_lines_drop_an_incomplete_last_line_only_when_the_head_is_full() {
        assert_eq!(head_lines(b"a\nb"), vec!["a", "b"]);
        let mut full = vec![b'1'; crate::SNIFF_BYTES];
        full[3] = b'\n';
        assert_eq!(head_lines(&full), vec!["111"]);
    }

    #[test]
    fn c3d_and_trc_heads_are_recognised() {
        assert!(is_c3d_or_trc(&[0x02, 0x50, 0, 0]));
        assert!(is_c3d_or_trc(b"PathFileType\t4\t(X/Y/Z)\twalk.trc\n"));
        assert!(!is_c3d_or_trc(b"1,2,3\n"));
        assert!(!is_c3d_or_trc(b"XPos_x,XPos_y,time_s\n"));
    }
}
