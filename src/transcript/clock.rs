//! Times as transcript exports write them: media timestamps (`00:01:02.500`,
//! `0:0:0.210`, `01:02,500`), wall-clock times (`10:32`, `11:02:09`, `10:32 PM`),
//! and the conversion of clock readings into time into the conversation.

/// Most digits read in one component: enough for Teams' seven-digit fractions,
/// and small enough that checked arithmetic is the only overflow guard needed.
const MAX_DIGITS: usize = 9;

/// Seconds in an hour and in half a day.
const HOUR: f64 = 3600.0;
const HALF_DAY: f64 = 12.0 * HOUR;

/// Reads a media timestamp `[h:]m:s[.fraction]` as seconds.
///
/// Exports are lax, so components need not be zero-padded (`0:0:0.210`, as
/// Teams writes), the hours may be left out (`01:02.500`), the fraction may be
/// missing or have any number of digits, and `,` may stand for `.` (SRT). The
/// seconds, and the minutes when hours are given, must be below 60.
pub(super) fn timestamp(text: &str) -> Option<f64> {
    let (whole, fraction) = match text.find(['.', ',']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let mut values = [0u64; 3];
    let mut count = 0;
    for part in whole.split(':') {
        if count == values.len() {
            return None;
        }
        values[count] = digits(part)?;
        count += 1;
    }
    let (hours, minutes, seconds) = match count {
        3 => (values[0], values[1], values[2]),
        2 => (0, values[0], values[1]),
        _ => return None,
    };
    if seconds >= 60 || (count == 3 && minutes >= 60) {
        return None;
    }
    let whole = hours
        .checked_mul(3600)?
        .checked_add(minutes.checked_mul(60)?)?
        .checked_add(seconds)?;
    match fraction {
        None => Some(whole as f64),
        Some(fraction) => {
            let value = digits(fraction)?;
            let scale = 10u64.checked_pow(u32::try_from(fraction.len()).ok()?)?;
            // One division of exact integers rounds once, so `45.400` reads as
            // the same f64 as the JSON number `45.4`.
            let scaled = whole.checked_mul(scale)?.checked_add(value)?;
            Some(scaled as f64 / scale as f64)
        }
    }
}

/// A non-empty run of at most [`MAX_DIGITS`] ASCII digits.
fn digits(part: &str) -> Option<u64> {
    if part.is_empty() || part.len() > MAX_DIGITS || !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    part.parse().ok()
}

/// Reads a wall-clock time `h:mm[:ss]`, optionally followed by `AM`/`PM`
/// (any case, dotted or not), as seconds after midnight.
pub(super) fn clock(text: &str) -> Option<f64> {
    let text = text.trim();
    let (time, meridiem) = split_meridiem(text);
    let mut values = [0u64; 3];
    let mut count = 0;
    for part in time.split(':') {
        if count == values.len() || part.is_empty() || part.len() > 2 {
            return None;
        }
        values[count] = digits(part)?;
        count += 1;
    }
    if count < 2 {
        return None;
    }
    let [mut hours, minutes, seconds] = values;
    if minutes >= 60 || seconds >= 60 {
        return None;
    }
    match meridiem {
        None if hours > 23 => return None,
        None => {}
        Some(_) if hours == 0 || hours > 12 => return None,
        Some(is_pm) => hours = hours % 12 + if is_pm { 12 } else { 0 },
    }
    Some((hours * 3600 + minutes * 60 + seconds) as f64)
}

/// Splits `10:32 PM` into `10:32` and whether it is after noon.
fn split_meridiem(text: &str) -> (&str, Option<bool>) {
    for (suffix, is_pm) in [("am", false), ("a.m.", false), ("pm", true), ("p.m.", true)] {
        if text.len() > suffix.len() {
            let at = text.len() - suffix.len();
            if text.is_char_boundary(at) && text[at..].eq_ignore_ascii_case(suffix) {
                return (text[..at].trim_end(), Some(is_pm));
            }
        }
    }
    (text, None)
}

/// Turns clock readings into seconds since the first reading, so that chat
/// and Zoom clock times line up with the offsets other formats carry.
///
/// Readings are expected in order. One that goes back by more than an hour is
/// taken to have crossed noon on a 12-hour clock or midnight; smaller steps
/// back (clock skew between chat clients) are kept as they are, but no
/// time comes out below zero.
#[derive(Debug, Default)]
pub(super) struct Elapsed {
    first: Option<f64>,
    last: f64,
}

impl Elapsed {
    pub(super) fn at(&mut self, reading: f64) -> f64 {
        let Some(first) = self.first else {
            self.first = Some(reading);
            self.last = reading;
            return 0.0;
        };
        let mut time = reading;
        for _ in 0..2 {
            if self.last - time > HOUR {
                time += HALF_DAY;
            }
        }
        self.last = time;
        // A reading before the first (skew) still may not make a negative time.
        (time - first).max(0.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_read_every_layout_exports_use() {
        let cases: &[(&str, Option<f64>)] = &[
            ("00:00:01.000", Some(1.0)),
            ("00:01:02.500", Some(62.5)),
            ("01:02:03.004", Some(3723.004)),
            ("00:00:45.400", Some(45.4)),
            ("0:0:0.210", Some(0.21)),
            ("0:0:3.7200000", Some(3.72)),
            ("01:02.500", Some(62.5)),
            ("1:2.5", Some(62.5)),
            ("00:00:01,000", Some(1.0)),
            ("00:00:53,000", Some(53.0)),
            ("00:00:05", Some(5.0)),
            ("0:03", Some(3.0)),
            ("11:02:09", Some(39729.0)),
            ("120:00.000", Some(7200.0)),
            ("", None),
            ("5", None),
            ("5.5", None),
            ("00:60.000", None),
            ("00:61:00.000", None),
            ("1:2:3:4", None),
            ("00:00:01.", None),
            ("00:00:01.2x", None),
            ("-1:00.000", None),
            ("00::01.000", None),
            ("1234567890:00.000", None),
            ("999999999:59:59.999999999", None),
            ("00:00:01.0000000000", None),
        ];
        for (text, expected) in cases {
            assert_eq!(timestamp(text), *expected, "timestamp {text:?}");
        }
    }

    #[test]
    fn clocks_read_24_and_12_hour_times() {
        let cases: &[(&str, Option<f64>)] = &[
            ("10:32", Some(37920.0)),
            ("10:32:05", Some(37925.0)),
            ("0:05", Some(300.0)),
            ("23:59:59", Some(86399.0)),
            ("10:32 AM", Some(37920.0)),
            ("10:32 pm", Some(81120.0)),
            ("12:05 AM", Some(300.0)),
            ("12:05 p.m.", Some(43500.0)),
            ("1:05PM", Some(47100.0)),
            ("10:32\u{202f}PM", Some(81120.0)),
            (" 9:00 ", Some(32400.0)),
            ("24:00", None),
            ("13:00 PM", None),
            ("0:30 am", None),
            ("10:60", None),
            ("10", None),
            ("10:323", None),
            ("10:32:05:01", None),
            ("ten:32", None),
            ("pm", None),
        ];
        for (text, expected) in cases {
            assert_eq!(clock(text), *expected, "clock {text:?}");
        }
    }

    #[test]
    fn elapsed_counts_from_the_first_reading_and_crosses_noon_and_midnight() {
        let cases: &[(&[f64], &[f64])] = &[
            (&[37920.0, 37980.0, 38100.0], &[0.0, 60.0, 180.0]),
            // Clock skew: a small step back stays a step back, never below zero.
            (
                &[37925.0, 37935.0, 37930.0, 37923.0],
                &[0.0, 10.0, 5.0, 0.0],
            ),
            // 12:59 then 1:05 on a 12-hour clock.
            (&[46740.0, 3900.0], &[0.0, 360.0]),
            // 23:59 then 00:01.
            (&[86340.0, 60.0], &[0.0, 120.0]),
        ];
        for (readings, expected) in cases {
            let mut elapsed = Elapsed::default();
            let got: Vec<f64> = readings.iter().map(|r| elapsed.at(*r)).collect();
            assert_eq!(got, *expected, "readings {readings:?}");
        }
    }
}
