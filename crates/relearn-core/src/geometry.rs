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

/// A 3x3 rotation matrix, row-major. Used by readers that rebuild absolute positions from
/// joint rotations (UI-PRMD) and by frame changes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mat3(pub [[f64; 3]; 3]);

impl Mat3 {
    /// The identity rotation.
    pub const IDENTITY: Mat3 = Mat3([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]]);

    /// Rotation about x by `deg` degrees (right-hand rule).
    pub fn rot_x_deg(deg: f64) -> Mat3 {
        let (s, c) = deg.to_radians().sin_cos();
        Mat3([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])
    }

    /// Rotation about y by `deg` degrees (right-hand rule).
    pub fn rot_y_deg(deg: f64) -> Mat3 {
        let (s, c) = deg.to_radians().sin_cos();
        Mat3([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])
    }

    /// Rotation about z by `deg` degrees (right-hand rule).
    pub fn rot_z_deg(deg: f64) -> Mat3 {
        let (s, c) = deg.to_radians().sin_cos();
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
