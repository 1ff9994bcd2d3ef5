//! Number decoding for the three C3D processor types.
//!
//! The processor type is byte 4 of the first parameter block (84 + type): Intel (little-endian
//! integers, IEEE floats), DEC (little-endian integers, VAX F-floating floats) and SGI/MIPS
//! (big-endian integers and IEEE floats). Source: the C3D file format user guide (c3d.org,
//! "Processor type" and "Floating-point data").

/// The machine that wrote the file, which fixes the byte order and float encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Processor {
    /// Intel x86: little-endian, IEEE 754 floats (processor byte 84).
    Intel,
    /// DEC VAX / PDP-11: little-endian 16-bit words, VAX F-floating floats (byte 85).
    Dec,
    /// SGI / MIPS: big-endian, IEEE 754 floats (byte 86).
    Mips,
}

impl Processor {
    /// The processor for the byte stored at offset 3 of the parameter section.
    pub(crate) fn from_byte(b: u8) -> Option<Processor> {
        match b {
            84 => Some(Processor::Intel),
            85 => Some(Processor::Dec),
            86 => Some(Processor::Mips),
            _ => None,
        }
    }

    /// A signed 16-bit integer.
    pub(crate) fn i16(self, b: [u8; 2]) -> i16 {
        match self {
            Processor::Intel | Processor::Dec => i16::from_le_bytes(b),
            Processor::Mips => i16::from_be_bytes(b),
        }
    }

    /// An unsigned 16-bit integer.
    pub(crate) fn u16(self, b: [u8; 2]) -> u16 {
        match self {
            Processor::Intel | Processor::Dec => u16::from_le_bytes(b),
            Processor::Mips => u16::from_be_bytes(b),
        }
    }

    /// A 32-bit float.
    pub(crate) fn f32(self, b: [u8; 4]) -> f32 {
        match self {
            Processor::Intel => f32::from_le_bytes(b),
            Processor::Mips => f32::from_be_bytes(b),
            Processor::Dec => dec_f32(b),
        }
    }
}

/// Decodes a VAX F-floating number.
///
/// The two 16-bit words are stored high word first, each little-endian. After swapping the words
/// the bit layout is IEEE's (sign, 8-bit exponent, 23-bit fraction), but VAX uses an exponent bias
/// of 128 and a hidden bit before the binary point (0.1f), so the value is the IEEE reading
/// divided by 4. An exponent of 0 is zero (sign 0) or a reserved operand (sign 1); both read as 0
/// here, since C3D writers only produce true zeros.
fn dec_f32(b: [u8; 4]) -> f32 {
    let [b0, b1, b2, b3] = b;
    let bits = u32::from_le_bytes([b2, b3, b0, b1]);
    if bits & 0x7f80_0000 == 0 {
        return 0.0;
    }
    // Dividing in f64 keeps every bit; only the final rounding to f32 can touch the two smallest
    // exponents, which are far below any physical quantity in a C3D file.
    (f64::from(f32::from_bits(bits)) / 4.0) as f32
}

/// Reads two bytes at `at` from `buf`, `None` past the end.
pub(crate) fn bytes2(buf: &[u8], at: usize) -> Option<[u8; 2]> {
    let s = buf.get(at..at.checked_add(2)?)?;
    Some([*s.first()?, *s.get(1)?])
}

/// Reads four bytes at `at` from `buf`, `None` past the end.
pub(crate) fn bytes4(buf: &[u8], at: usize) -> Option<[u8; 4]> {
    let s = buf.get(at..at.checked_add(4)?)?;
    Some([*s.first()?, *s.get(1)?, *s.get(2)?, *s.get(3)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_processors_decode_the_same_numbers() {
        let v = 1234.5f32;
        let ieee_le = v.to_le_bytes();
        let ieee_be = v.to_be_bytes();
        // VAX F-floating: value x 4 in IEEE layout, words swapped.
        let quad = (v * 4.0).to_le_bytes();
        let dec = [quad[2], quad[3], quad[0], quad[1]];
        assert_eq!(Processor::Intel.f32(ieee_le), v);
        assert_eq!(Processor::Mips.f32(ieee_be), v);
        assert_eq!(Processor::Dec.f32(dec), v);
        assert_eq!(Processor::Dec.f32([0, 0, 0, 0]), 0.0);
        assert_eq!(Processor::Intel.i16((-2i16).to_le_bytes()), -2);
        assert_eq!(Processor::Mips.i16((-2i16).to_be_bytes()), -2);
        assert_eq!(Processor::Dec.u16(40000u16.to_le_bytes()), 40000);
    }

    #[test]
    fn negative_dec_floats_keep_their_sign() {
        let quad = (-0.28f32 * 4.0).to_le_bytes();
        let dec = [quad[2], quad[3], quad[0], quad[1]];
        assert!((Processor::Dec.f32(dec) + 0.28).abs() < 1e-7);
    }

    #[test]
    fn byte_helpers_stop_at_the_end() {
        assert_eq!(bytes2(&[1, 2, 3], 1), Some([2, 3]));
        assert_eq!(bytes2(&[1, 2, 3], 2), None);
        assert_eq!(bytes4(&[1, 2, 3], 0), None);
        assert_eq!(bytes4(&[1, 2, 3, 4], usize::MAX), None);
    }
}
