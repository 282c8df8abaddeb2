//! Scalar parsing for the loader: exact decimals from number text, strict
//! `YYYY-MM-DD` dates and `HH:MM[:SS]` times. Errors are message fragments.

use jiff::civil::{Date, Time};
use rust_decimal::Decimal;

/// Parses the text of a JSON number (already checked against the RFC 8259
/// grammar) into an exact decimal, never through a binary float. Fails when
/// the value needs more than 28 fractional digits or 96 bits of mantissa.
pub(crate) fn parse_decimal(text: &str) -> Result<Decimal, &'static str> {
    let (neg, body) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    match plain_decimal(neg, body) {
        Some(d) => Ok(d),
        None => general_decimal(neg, body),
    }
}

/// [`parse_decimal`] of any number text (`body` without its `-`).
fn general_decimal(neg: bool, body: &str) -> Result<Decimal, &'static str> {
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (
            body.get(..i).unwrap_or_default(),
            body.get(i + 1..).unwrap_or_default(),
        ),
        None => (body, ""),
    };
    let exp: i64 = if exp.is_empty() {
        0
    } else {
        let (eneg, edigits) = match exp.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, exp.strip_prefix('+').unwrap_or(exp)),
        };
        let edigits = edigits.trim_start_matches('0');
        if edigits.len() > 6 {
            // |exponent| ≥ 10^6: zero or far out of range; saturate.
            if eneg { -10_000_000 } else { 10_000_000 }
        } else {
            let e: i64 = edigits.parse().unwrap_or(0);
            if eneg { -e } else { e }
        }
    };
    let (int, frac) = match mantissa.find('.') {
        Some(i) => (
            mantissa.get(..i).unwrap_or_default(),
            mantissa.get(i + 1..).unwrap_or_default(),
        ),
        None => (mantissa, ""),
    };
    let mut digits: String = int.chars().chain(frac.chars()).collect();
    if !digits.bytes().all(|b| b.is_ascii_digit()) || digits.is_empty() {
        return Err("not a number");
    }
    let frac_len = i64::try_from(frac.len()).map_err(|_| "too many digits")?;
    let mut scale: i64 = frac_len - exp;
    let significant = digits.trim_start_matches('0');
    if significant.is_empty() {
        let s = u32::try_from(scale.clamp(0, 28)).unwrap_or(0);
        return Ok(Decimal::new(0, s));
    }
    digits = significant.to_owned();
    if scale < 0 {
        let zeros = usize::try_from(-scale).map_err(|_| "too large")?;
        if digits.len().saturating_add(zeros) > 29 {
            return Err("too large for a decimal (at most 29 digits)");
        }
        digits.extend(std::iter::repeat_n('0', zeros));
        scale = 0;
    }
    while scale > 28 && digits.ends_with('0') {
        digits.pop();
        scale -= 1;
    }
    if scale > 28 {
        return Err("more than 28 digits after the decimal point");
    }
    // Zeros ending the fraction do not change the value: dropped while the
    // digits do not fit (`100000.000000000000000000000000` is 100000).
    loop {
        let fits = digits.len() <= 29
            && digits
                .parse::<i128>()
                .ok()
                .and_then(|m| Decimal::try_from_i128_with_scale(m, u32::try_from(scale).ok()?).ok())
                .is_some();
        if fits || scale == 0 || !digits.ends_with('0') {
            break;
        }
        digits.pop();
        scale -= 1;
    }
    if digits.len() > 29 {
        return Err("too many significant digits for a decimal (at most 28 or 29)");
    }
    let m: i128 = digits.parse().map_err(|_| "not a number")?;
    let m = if neg { -m } else { m };
    let scale = u32::try_from(scale).map_err(|_| "bad scale")?;
    Decimal::try_from_i128_with_scale(m, scale)
        .map_err(|_| "too many significant digits for a decimal (at most 96 bits)")
}

/// The common case without allocating: digits with at most one `.`, no
/// exponent, at most 28 digits in all (so the mantissa fits in 96 bits and
/// the scale is at most 28). `None` for anything else, which the general
/// path handles; where both apply they give the same decimal.
fn plain_decimal(neg: bool, body: &str) -> Option<Decimal> {
    let b = body.as_bytes();
    if b.is_empty() || b.len() > 29 {
        return None;
    }
    let mut m: i128 = 0;
    let mut digits = 0u32;
    let mut scale: Option<u32> = None;
    for &c in b {
        match c {
            b'0'..=b'9' => {
                m = m * 10 + i128::from(c - b'0');
                digits += 1;
                if let Some(s) = scale.as_mut() {
                    *s += 1;
                }
            }
            b'.' if scale.is_none() => scale = Some(0),
            _ => return None,
        }
    }
    let scale = scale.unwrap_or(0);
    if digits == 0 || digits > 28 || b.last() == Some(&b'.') {
        return None;
    }
    if m == 0 {
        return Some(Decimal::new(0, scale));
    }
    Decimal::try_from_i128_with_scale(if neg { -m } else { m }, scale).ok()
}

/// The value of a run of ASCII digits, `None` if any byte is not a digit.
fn digits(b: &[u8]) -> Option<i32> {
    let mut n = 0i32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + i32::from(c - b'0');
    }
    Some(n)
}

fn month_name(m: i8) -> &'static str {
    match m {
        1 => "January",
        2 => "February",
        3 => "March",
        4 => "April",
        5 => "May",
        6 => "June",
        7 => "July",
        8 => "August",
        9 => "September",
        10 => "October",
        11 => "November",
        _ => "December",
    }
}

/// Parses `YYYY-MM-DD` strictly (four-digit year, two-digit month and day, a
/// real proleptic Gregorian date).
pub(crate) fn parse_date(s: &str) -> Result<Date, String> {
    let b = s.as_bytes();
    let shape = b.len() == 10 && b.get(4) == Some(&b'-') && b.get(7) == Some(&b'-');
    let parts = (
        b.get(0..4).and_then(digits),
        b.get(5..7).and_then(digits),
        b.get(8..10).and_then(digits),
    );
    let (Some(y), Some(m), Some(d)) = parts else {
        return Err("expected a date `YYYY-MM-DD`".to_owned());
    };
    if !shape {
        return Err("expected a date `YYYY-MM-DD`".to_owned());
    }
    let (Ok(y), Ok(m), Ok(d)) = (i16::try_from(y), i8::try_from(m), i8::try_from(d)) else {
        return Err("expected a date `YYYY-MM-DD`".to_owned());
    };
    if !(1..=12).contains(&m) {
        return Err(format!("expected a month from 01 to 12, found `{m:02}`"));
    }
    if let Ok(date) = Date::new(y, m, d) {
        return Ok(date);
    }
    let first =
        Date::new(y, m, 1).map_err(|_| format!("expected a supported year, found `{y:04}`"))?;
    let days = first.days_in_month();
    Date::new(y, m, d).map_err(|_| {
        format!(
            "expected a day from 01 to {days}, found `{d:02}`: {} {y:04} has {days} days",
            month_name(m)
        )
    })
}

/// Parses `HH:MM` or `HH:MM:SS` strictly (two digits each, 24-hour clock).
pub(crate) fn parse_time(s: &str) -> Result<Time, String> {
    let b = s.as_bytes();
    let shape =
        (b.len() == 5 || (b.len() == 8 && b.get(5) == Some(&b':'))) && b.get(2) == Some(&b':');
    let h = b.get(0..2).and_then(digits);
    let m = b.get(3..5).and_then(digits);
    let sec = if b.len() == 8 {
        b.get(6..8).and_then(digits)
    } else {
        Some(0)
    };
    let (true, Some(h), Some(m), Some(sec)) = (shape, h, m, sec) else {
        return Err("expected a time `HH:MM` or `HH:MM:SS`".to_owned());
    };
    let (Ok(h), Ok(m), Ok(sec)) = (i8::try_from(h), i8::try_from(m), i8::try_from(sec)) else {
        return Err("expected a time `HH:MM` or `HH:MM:SS`".to_owned());
    };
    if h > 23 {
        return Err(format!("expected an hour from 00 to 23, found `{h:02}`"));
    }
    if m > 59 {
        return Err(format!("expected a minute from 00 to 59, found `{m:02}`"));
    }
    Time::new(h, m, sec, 0)
        .map_err(|_| format!("expected a second from 00 to 59, found `{sec:02}`"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn decimals_are_exact() {
        assert_eq!(parse_decimal("52000.50").unwrap(), dec("52000.50"));
        assert_eq!(parse_decimal("52000.50").unwrap().scale(), 2);
        assert_eq!(parse_decimal("0.1").unwrap(), dec("0.1"));
        assert_eq!(parse_decimal("-0.1").unwrap(), dec("-0.1"));
        assert_eq!(parse_decimal("1e3").unwrap(), dec("1000"));
        assert_eq!(parse_decimal("1.5E-3").unwrap(), dec("0.0015"));
        assert_eq!(parse_decimal("0").unwrap(), Decimal::ZERO);
        assert_eq!(parse_decimal("0e999999999").unwrap(), Decimal::ZERO);
        assert_eq!(parse_decimal("-0.00").unwrap(), Decimal::ZERO);
        assert_eq!(
            parse_decimal("79228162514264337593543950335").unwrap(),
            Decimal::MAX
        );
        assert!(parse_decimal("79228162514264337593543950336").is_err());
        assert!(parse_decimal("1e29").is_err());
        assert!(parse_decimal("1e999999999").is_err());
        assert!(parse_decimal("1e-29").is_err());
        // Trailing zeros beyond 28 places are exact and dropped.
        assert_eq!(
            parse_decimal("0.10000000000000000000000000000000").unwrap(),
            dec("0.1")
        );
        assert_eq!(
            parse_decimal("0.0000000000000000000000000001").unwrap(),
            dec("0.0000000000000000000000000001")
        );
        // So are zeros ending a fraction whose digits would not fit.
        assert_eq!(
            parse_decimal("100000.000000000000000000000000").unwrap(),
            dec("100000")
        );
        assert_eq!(
            parse_decimal("10.0000000000000000000000000000").unwrap(),
            dec("10")
        );
        assert_eq!(
            parse_decimal("79228162514264337593543950335.000").unwrap(),
            Decimal::MAX
        );
        assert_eq!(
            parse_decimal("1234.5678900000000000000000000000").unwrap(),
            dec("1234.56789")
        );
        // Digits that matter still do not fit.
        assert!(parse_decimal("100000.000000000000000000000001").is_err());
        assert!(parse_decimal("79228162514264337593543950336.000").is_err());
    }

    #[test]
    fn plain_decimals_match_the_general_path() {
        for t in [
            "0",
            "-0",
            "0.0",
            "-0.00",
            "00",
            "007.50",
            "1",
            "-1",
            "52000.50",
            "0.1",
            "12345678901234567890123456.78",
            "1234567890123456789012345678",
            "0.000000000000000000000000001",
            "9999999999999999999999999999",
        ] {
            let (neg, body) = match t.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, t),
            };
            let fast = plain_decimal(neg, body).unwrap();
            let general = general_decimal(neg, body).unwrap();
            assert_eq!(general, dec(t), "{t}");
            assert_eq!(fast, general, "{t}");
            assert_eq!(fast.scale(), general.scale(), "{t}");
            assert_eq!(fast.is_sign_negative(), general.is_sign_negative(), "{t}");
        }
        for t in [
            "",
            ".",
            "1.",
            "1e5",
            "1.2.3",
            "12345678901234567890123456789",
        ] {
            assert!(plain_decimal(false, t).is_none(), "{t}");
        }
    }

    #[test]
    fn dates_are_strict() {
        assert_eq!(
            parse_date("2024-02-29").unwrap(),
            Date::new(2024, 2, 29).unwrap()
        );
        for bad in [
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-01",
            "24-01-01",
            "2024/01/01",
            "2024-01-01T00:00",
            "",
            "2024-01-0x",
            "+024-01-01",
            "2024-01-00",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
        assert!(
            parse_date("2024-02-30")
                .unwrap_err()
                .contains("February 2024 has 29 days")
        );
    }

    #[test]
    fn times_are_strict() {
        assert_eq!(
            parse_time("14:30").unwrap(),
            Time::new(14, 30, 0, 0).unwrap()
        );
        assert_eq!(
            parse_time("00:00:59").unwrap(),
            Time::new(0, 0, 59, 0).unwrap()
        );
        for bad in [
            "24:00", "9:30", "12:60", "12:30:60", "12:30:", "12-30", "", "12:30:5", "1230",
        ] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }
}
