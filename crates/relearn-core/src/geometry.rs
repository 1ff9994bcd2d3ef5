//! Small 3-D vector geometry used by joint-angle computations.
//!
//! Values are plain `f64` triples in whatever frame the caller uses; frames are named at the
//! API that produces them (see [`crate::recording`] for the lab frame convention).

use serde::{Deserialize, Serialize};
use std::ops::{Add, Div, Mul, Neg, Sub};

/// A 3-D vector or point (metres when it is a position in the lab frame).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Vec3 {
    /// First component (lab frame: medio-lateral or anterior-posterior, see the recording).
    pub x: f64,
    /// Second component.
    pub y: f64,
    /// Third component (lab frame: vertical, up positive).
    pub z: f64,
}

impl Vec3 {
    /// The zero vector.
    pub const ZERO: Vec3 = Vec3 {
        x: 0.0,
        y: 0.0,
        z: 0.0,
    };
    /// The lab frame's vertical unit vector (z up, `clinical-spec.md` §6).
    pub const UP: Vec3 = Vec3 {
        x: 0.0,
        y: 0.0,
        z: 1.0,
    };

    /// Builds a vector from its components.
    pub const fn new(x: f64, y: f64, z: f64) -> Self {
        Vec3 { x, y, z }
    }

    /// Builds a vector from an array `[x, y, z]`.
    pub fn from_array(a: [f64; 3]) -> Self {
        Vec3::new(a[0], a[1], a[2])
    }

    /// The components as an array.
    pub fn to_array(self) -> [f64; 3] {
        [self.x, self.y, self.z]
    }

    /// Dot product.
    pub fn dot(self, o: Vec3) -> f64 {
        self.x * o.x + self.y * o.y + self.z * o.z
    }

    /// Cross product (right-handed).
    pub fn cross(self, o: Vec3) -> Vec3 {
        Vec3::new(
            self.y * o.z - self.z * o.y,
            self.z * o.x - self.x * o.z,
            self.x * o.y - self.y * o.x,
        )
    }

    /// Euclidean length.
    pub fn norm(self) -> f64 {
        self.dot(self).sqrt()
    }

    /// Unit vector in the same direction, or `None` for a (near-)zero or non-finite vector.
    pub fn normalized(self) -> Option<Vec3> {
        let n = self.norm();
        if n.is_finite() && n > 1e-12 {
            Some(self / n)
        } else {
            None
        }
    }

    /// True when all three components are finite (not NaN, not infinite).
    pub fn is_finite(self) -> bool {
        self.x.is_finite() && self.y.is_finite() && self.z.is_finite()
    }

    /// Midpoint of two points.
    pub fn midpoint(self, o: Vec3) -> Vec3 {
        (self + o) * 0.5
    }

    /// Component of `self` perpendicular to the unit vector `axis` (projection onto the plane
    /// whose normal is `axis`).
    pub fn reject_from(self, axis: Vec3) -> Vec3 {
        self - axis * self.dot(axis)
    }

    /// Unsigned angle between two vectors in degrees (0-180), `None` if either is degenerate.
    pub fn angle_deg(self, o: Vec3) -> Option<f64> {
        let a = self.normalized()?;
        let b = o.normalized()?;
        Some(a.dot(b).clamp(-1.0, 1.0).acos().to_degrees())
    }

    /// Signed angle in degrees from `self` to `o` about the unit `axis` (right-hand rule), after
    /// projecting both onto the plane normal to `axis`; `None` if a projection is degenerate.
    pub fn signed_angle_about_deg(self, o: Vec3, axis: Vec3) -> Option<f64> {
        let a = self.reject_from(axis).normalized()?;
        let b = o.reject_from(axis).normalized()?;
        let sin = a.cross(b).dot(axis);
        let cos = a.dot(b);
        Some(sin.atan2(cos).to_degrees())
    }
}

impl Add for Vec3 {
    type Output = Vec3;
    fn add(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x + o.x, self.y + o.y, self.z + o.z)
    }
}

impl Sub for Vec3 {
    type Output = Vec3;
    fn sub(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x - o.x, self.y - o.y, self.z - o.z)
    }
}

impl Mul<f64> for Vec3 {
    type Output = Vec3;
    fn mul(self, s: f64) -> Vec3 {
        Vec3::new(self.x * s, self.y * s, self.z * s)
    }
}

impl Div<f64> for Vec3 {
    type Output = Vec3;
    fn div(self, s: f64) -> Vec3 {
        Vec3::new(self.x / s, self.y / s, self.z / s)
    }
}

impl Neg for Vec3 {
    type Output = Vec3;
    fn neg(self) -> Vec3 {
        Vec3::new(-self.x, -self.y, -self.z)
    }
}

/// Sine and cosine of an angle given in **degrees**, as `(sin, cos)`.
///
/// Readers that rebuild positions from joint angles (UI-PRMD stores three Euler angles per
/// joint and frame, in degrees) call this for every joint of every frame, and the library's
/// `sin_cos` spent more on reducing a radian argument than on the series itself. In degrees
/// the reduction is exact arithmetic: `deg = 90·q + r` with `q` the nearest integer and
/// |r| ≤ 45 (computed exactly), and then only the quadrant
/// `q mod 4` decides the signs and which of the two series is the sine. On |t| ≤ π/4
/// (t = r in radians) the Taylor series of sin to t¹⁷ and of cos to t¹⁶ leave a truncation
/// error below 10⁻¹⁷ (t¹⁹/19! and t¹⁸/18! at π/4), under half a unit in the last place of
/// either result, so the result is within about one unit in the last place of the exact
/// value (a test checks 2·10⁻¹⁶ against the library over ±1080°). Multiples of 90° come out
/// exactly (cos 90° is 0, not 6·10⁻¹⁷). Arguments beyond ±10⁹ degrees, which no recording
/// holds, fall back to the library; NaN and ±∞ give NaN.
#[inline]
pub fn sin_cos_deg(deg: f64) -> (f64, f64) {
    if !deg.is_finite() || deg.abs() > 1e9 {
        return deg.to_radians().sin_cos();
    }
    // The nearest integer by the 1.5·2⁵² trick (adding it leaves no fraction bits, so the sum
    // rounds to an integer, ties to even): `f64::round` is a library call on the baseline
    // x86-64 target, and this runs for every joint of every frame.
    const SHIFTER: f64 = 6_755_399_441_055_744.0;
    let q = (deg * (1.0 / 90.0) + SHIFTER) - SHIFTER;
    // Exact: 90·q is an integer below 2⁵³, and deg lies within 45 of it, so for q ≠ 0 the two
    // are within a factor of two of each other (Sterbenz's lemma).
    let r = deg - 90.0 * q;
    let t = r * (std::f64::consts::PI / 180.0);
    let t2 = t * t;
    // Horner's rule on the series in t², smallest terms first (plain multiplications and
    // additions: `mul_add` is a library call on processors targeted without FMA).
    const SIN: [f64; 8] = [
        1.0 / 355_687_428_096_000.0,
        -1.0 / 1_307_674_368_000.0,
        1.0 / 6_227_020_800.0,
        -1.0 / 39_916_800.0,
        1.0 / 362_880.0,
        -1.0 / 5_040.0,
        1.0 / 120.0,
        -1.0 / 6.0,
    ];
    const COS: [f64; 7] = [
        1.0 / 20_922_789_888_000.0,
        -1.0 / 87_178_291_200.0,
        1.0 / 479_001_600.0,
        -1.0 / 3_628_800.0,
        1.0 / 40_320.0,
        -1.0 / 720.0,
        1.0 / 24.0,
    ];
    let sin_tail = SIN[1..].iter().fold(SIN[0], |acc, k| acc * t2 + k);
    let cos_tail = COS[1..].iter().fold(COS[0], |acc, k| acc * t2 + k);
    let sin = t + (t * t2) * sin_tail;
    let cos = (1.0 - 0.5 * t2) + (t2 * t2) * cos_tail;
    // The quadrant q mod 4 (q is an integer of at most 1.2·10⁷ here, so the cast is exact,
    // and `& 3` is the remainder modulo 4, negative or not, in two's complement): odd
    // quadrants swap the two series, and the sine is negated in quadrants 2 and 3, the cosine
    // in 1 and 2. Chosen by index and sign bit rather than by branches, which would be
    // mispredicted as the angles of successive joints fall in different quadrants.
    let quadrant = (q as i64 & 3) as usize;
    let series = [sin, cos];
    let swap = quadrant & 1;
    let negate = |v: f64, flip: usize| f64::from_bits(v.to_bits() ^ ((flip as u64 & 2) << 62));
    (
        negate(series[swap], quadrant),
        negate(series[swap ^ 1], quadrant + 1),
    )
}

/// A 3x3 rotation matrix, row-major. Used by readers that rebuild absolute positions from
/// joint rotations (UI-PRMD) and by frame changes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mat3(pub [[f64; 3]; 3]);

impl Mat3 {
    /// The identity rotation.
    pub const IDENTITY: Mat3 = Mat3([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]);

    /// Rotation about x by `deg` degrees (right-hand rule).
    pub fn rot_x_deg(deg: f64) -> Mat3 {
        let (s, c) = sin_cos_deg(deg);
        Mat3([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])
    }

    /// Rotation about y by `deg` degrees (right-hand rule).
    pub fn rot_y_deg(deg: f64) -> Mat3 {
        let (s, c) = sin_cos_deg(deg);
        Mat3([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])
    }

    /// Rotation about z by `deg` degrees (right-hand rule).
    pub fn rot_z_deg(deg: f64) -> Mat3 {
        let (s, c) = sin_cos_deg(deg);
        Mat3([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
    }

    /// Rotation matrix of a unit quaternion `(x, y, z, w)`; `None` if the quaternion is zero or
    /// not finite. The quaternion is normalised first.
    pub fn from_quaternion(x: f64, y: f64, z: f64, w: f64) -> Option<Mat3> {
        let n = (x * x + y * y + z * z + w * w).sqrt();
        if !n.is_finite() || n < 1e-12 {
            return None;
        }
        let (x, y, z, w) = (x / n, y / n, z / n, w / n);
        Some(Mat3([
            [
                1.0 - 2.0 * (y * y + z * z),
                2.0 * (x * y - z * w),
                2.0 * (x * z + y * w),
            ],
            [
                2.0 * (x * y + z * w),
                1.0 - 2.0 * (x * x + z * z),
                2.0 * (y * z - x * w),
            ],
            [
                2.0 * (x * z - y * w),
                2.0 * (y * z + x * w),
                1.0 - 2.0 * (x * x + y * y),
            ],
        ]))
    }

    /// Matrix product `self * o`.
    pub fn mul_mat(&self, o: &Mat3) -> Mat3 {
        let mut r = [[0.0; 3]; 3];
        for (i, row) in r.iter_mut().enumerate() {
            for (j, cell) in row.iter_mut().enumerate() {
                *cell = (0..3).map(|k| self.0[i][k] * o.0[k][j]).sum();
            }
        }
        Mat3(r)
    }

    /// Matrix-vector product `self * v`.
    pub fn mul_vec(&self, v: Vec3) -> Vec3 {
        let m = &self.0;
        Vec3::new(
            m[0][0] * v.x + m[0][1] * v.y + m[0][2] * v.z,
            m[1][0] * v.x + m[1][1] * v.y + m[1][2] * v.z,
            m[2][0] * v.x + m[2][1] * v.y + m[2][2] * v.z,
        )
    }

    /// The transpose (the inverse, for a rotation).
    pub fn transpose(&self) -> Mat3 {
        let m = &self.0;
        Mat3([
            [m[0][0], m[1][0], m[2][0]],
            [m[0][1], m[1][1], m[2][1]],
            [m[0][2], m[1][2], m[2][2]],
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_angle_is_ninety_degrees() {
        let a = Vec3::new(1.0, 0.0, 0.0);
        let b = Vec3::new(0.0, 1.0, 0.0);
        assert!((a.angle_deg(b).unwrap() - 90.0).abs() < 1e-12);
        assert!((a.signed_angle_about_deg(b, Vec3::UP).unwrap() - 90.0).abs() < 1e-12);
        assert!((b.signed_angle_about_deg(a, Vec3::UP).unwrap() + 90.0).abs() < 1e-12);
    }

    #[test]
    fn sine_and_cosine_in_degrees_match_the_library_within_two_units_in_the_last_place() {
        // Every hundredth of a degree over three turns either way, plus the awkward points
        // (quadrant boundaries and their neighbours, half-way points where the quadrant is
        // decided by rounding, tiny angles).
        let mut angles: Vec<f64> = (-108_000..=108_000).map(|i| f64::from(i) * 0.01).collect();
        for k in -12..=12 {
            let b = f64::from(k) * 45.0;
            angles.extend([b, b.next_up(), b.next_down(), b + 1e-9, b - 1e-9]);
        }
        angles.extend([1e-300, -1e-300, 5e-324, 123_456.789, -987_654.321, 9.9e8]);
        for deg in angles {
            let (s, c) = sin_cos_deg(deg);
            let (ls, lc) = deg.to_radians().sin_cos();
            // The library's own argument carries the rounding of `to_radians`, up to half a
            // unit of the radian value, which moves its result by up to |deg·π/180|·2⁻⁵³.
            let slack = 2e-16 + deg.to_radians().abs() * f64::EPSILON;
            assert!((s - ls).abs() <= slack, "sin {deg}: {s} vs {ls}");
            assert!((c - lc).abs() <= slack, "cos {deg}: {c} vs {lc}");
            assert!((s * s + c * c - 1.0).abs() < 4.5e-16, "{deg}");
        }
    }

    #[test]
    fn right_angles_in_degrees_are_exact_and_non_finite_angles_are_nan() {
        assert_eq!(sin_cos_deg(0.0), (0.0, 1.0));
        assert_eq!(sin_cos_deg(90.0), (1.0, 0.0));
        assert_eq!(sin_cos_deg(180.0), (0.0, -1.0));
        assert_eq!(sin_cos_deg(-90.0), (-1.0, 0.0));
        assert_eq!(sin_cos_deg(270.0), (-1.0, 0.0));
        assert!((sin_cos_deg(30.0).0 - 0.5).abs() <= f64::EPSILON / 2.0);
        for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let (s, c) = sin_cos_deg(bad);
            assert!(s.is_nan() && c.is_nan());
        }
        // Far beyond any recording: the library's answer.
        assert_eq!(sin_cos_deg(1e12), 1e12f64.to_radians().sin_cos());
    }

    #[test]
    fn degenerate_vectors_have_no_angle() {
        assert!(Vec3::ZERO.angle_deg(Vec3::UP).is_none());
        assert!(Vec3::new(f64::NAN, 0.0, 0.0).angle_deg(Vec3::UP).is_none());
    }

    #[test]
    fn quaternion_of_quarter_turn_about_z_rotates_x_to_y() {
        let h = std::f64::consts::FRAC_1_SQRT_2;
        let m = Mat3::from_quaternion(0.0, 0.0, h, h).unwrap();
        let v = m.mul_vec(Vec3::new(1.0, 0.0, 0.0));
        assert!((v - Vec3::new(0.0, 1.0, 0.0)).norm() < 1e-12);
        let r = Mat3::rot_z_deg(90.0);
        assert!((r.mul_vec(Vec3::new(1.0, 0.0, 0.0)) - v).norm() < 1e-12);
        let back = r.transpose().mul_vec(v);
        assert!((back - Vec3::new(1.0, 0.0, 0.0)).norm() < 1e-12);
    }
}
