//! A simulated squatter with known faults, for known-answer tests and the demo.
//!
//! The body is built segment by segment in its own frame (lateral, forward, up): ankles on the
//! floor, the shank tilting forward and the thigh backward so that the knee flexes by exactly
//! the requested angle, the trunk leaning forward, the arms reaching forward for balance. An
//! injected knee valgus moves the knee medially until, in the frontal plane, the angle between
//! hip-knee and knee-ankle deviates from straight by exactly the requested frontal-plane
//! projection angle (solved here by bisection on the 2-D geometry, independently of the
//! measurement code). The body is then turned by a yaw angle, noise is added, and it is
//! expressed in a Kinect-like camera frame (y up, person facing the sensor) or in the lab
//! frame, so the measurement pipeline has to recover the body frame on its own.
//!
//! Randomness is seeded (SplitMix64 + Box-Muller): the same settings give the same recording.

use relearn_core::skeleton::known;
use relearn_core::{LengthUnit, PositionTable, Recording, Skeleton, SourceInfo, Vec3};
use serde::{Deserialize, Serialize};

/// The frame the simulated positions are expressed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SimFrame {
    /// Lab frame: metres, z up.
    Lab,
    /// Kinect v2 camera space: metres, y up, the person 2.5 m in front of the sensor.
    KinectCamera,
}

/// Settings of a simulated squat recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SquatSimulation {
    /// Number of repetitions.
    pub reps: usize,
    /// Frame rate in Hz.
    pub rate_hz: f64,
    /// Duration of one repetition (down and up) in seconds.
    pub rep_duration_s: f64,
    /// Quiet standing between repetitions, in seconds.
    pub rest_s: f64,
    /// Quiet standing before the first and after the last repetition, in seconds.
    pub edge_rest_s: f64,
    /// Knee flexion at the bottom, degrees.
    pub depth_deg: f64,
    /// Trunk flexion at the bottom, degrees.
    pub trunk_lean_deg: f64,
    /// Knee frontal-plane projection angle at the bottom (valgus +), left and right, degrees.
    pub valgus_deg: [f64; 2],
    /// Trunk lateral lean at the bottom, degrees (+ = right).
    pub lateral_lean_deg: f64,
    /// Repetition-to-repetition variability: relative SD of depth and duration (0.05 = 5 %).
    pub variability: f64,
    /// Standard deviation of the position noise, metres.
    pub noise_m: f64,
    /// Direction the person faces, degrees about the vertical.
    pub yaw_deg: f64,
    /// Thigh length (hip to knee), metres.
    pub thigh_m: f64,
    /// Shank length (knee to ankle), metres.
    pub shank_m: f64,
    /// Output frame.
    pub frame: SimFrame,
    /// Seed of the random generator.
    pub seed: u64,
}

impl Default for SquatSimulation {
    fn default() -> Self {
        SquatSimulation {
            reps: 5,
            rate_hz: 30.0,
            rep_duration_s: 3.0,
            rest_s: 1.0,
            edge_rest_s: 1.0,
            depth_deg: 100.0,
            trunk_lean_deg: 35.0,
            valgus_deg: [0.0, 0.0],
            lateral_lean_deg: 0.0,
            variability: 0.0,
            noise_m: 0.003,
            yaw_deg: 20.0,
            thigh_m: 0.45,
            shank_m: 0.43,
            frame: SimFrame::KinectCamera,
            seed: 1,
        }
    }
}

/// Ground truth of a simulated recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulatedTruth {
    /// Start and end frame of each repetition.
    pub reps: Vec<(usize, usize)>,
    /// Knee flexion at the bottom of each repetition, degrees.
    pub depth_deg: Vec<f64>,
}

pub use relearn_core::rng::SplitMix64;

/// Lateral knee position (body frame) that makes the frontal-plane angle at the knee deviate
/// from straight by `fppa_deg` towards the midline, for a knee at height `kz` between hip
/// `(hx, hz)` and ankle `(ax, az)`; `medial` is +1 when the midline is at +x.
fn knee_lateral_for_fppa(
    hx: f64,
    hz: f64,
    ax: f64,
    az: f64,
    kz: f64,
    fppa_deg: f64,
    medial: f64,
) -> f64 {
    let line_x = hx + (kz - hz) / (az - hz) * (ax - hx);
    let deviation = |offset: f64| -> f64 {
        let kx = line_x + medial * offset;
        let (ux, uz) = (hx - kx, hz - kz);
        let (vx, vz) = (ax - kx, az - kz);
        let cos = (ux * vx + uz * vz) / ((ux * ux + uz * uz).sqrt() * (vx * vx + vz * vz).sqrt());
        180.0 - cos.clamp(-1.0, 1.0).acos().to_degrees()
    };
    let target = fppa_deg.abs();
    let (mut lo, mut hi) = (0.0, 0.5);
    for _ in 0..80 {
        let mid = 0.5 * (lo + hi);
        if deviation(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    line_x + medial * fppa_deg.signum() * 0.5 * (lo + hi)
}

/// Simulates a squat recording with the Kinect v2 skeleton and returns it with its truth.
pub fn simulate_squat(sim: &SquatSimulation) -> crate::Result<(Recording, SimulatedTruth)> {
    let mut rng = SplitMix64::new(sim.seed);
    let rate = sim.rate_hz.max(1.0);
    let rest = (sim.rest_s * rate).round() as usize;
    let edge = (sim.edge_rest_s * rate).round() as usize;
    let mut plan = Vec::with_capacity(sim.reps);
    let mut t = edge;
    for k in 0..sim.reps {
        let dur_scale = (1.0 + sim.variability * rng.normal()).clamp(0.6, 1.4);
        let depth_scale = (1.0 + sim.variability * rng.normal()).clamp(0.6, 1.3);
        let len = ((sim.rep_duration_s * dur_scale * rate).round() as usize).max(4);
        plan.push((t, t + len, sim.depth_deg * depth_scale));
        t += len + if k + 1 == sim.reps { edge } else { rest };
    }
    let frames = t;
    let skeleton = Skeleton::with_exact_landmarks("kinect-v2", &known::KINECT_V2)?;
    let mut positions = PositionTable::missing(frames, skeleton.len());
    let (sy, cy) = sim.yaw_deg.to_radians().sin_cos();
    let idx = |name: &str| skeleton.joint_index(name).unwrap_or(0);
    for f in 0..frames {
        // Progress 0 (standing) → 1 (bottom) → 0 within a repetition.
        let (p, depth) = plan
            .iter()
            .find(|(s, e, _)| f >= *s && f < *e)
            .map(|(s, e, d)| {
                let u = (f - s) as f64 / (e - s) as f64;
                (0.5 * (1.0 - (2.0 * std::f64::consts::PI * u).cos()), *d)
            })
            .unwrap_or((0.0, sim.depth_deg));
        let k = (depth * p).to_radians();
        let s = 0.35 * k;
        let trunk = (sim.trunk_lean_deg * p).to_radians();
        let lean = (sim.lateral_lean_deg * p).to_radians();
        let mut body: Vec<(&str, Vec3)> = Vec::with_capacity(25);
        let mut hips = [Vec3::ZERO; 2];
        for (i, lx) in [(0usize, -1.0f64), (1, 1.0)] {
            let ankle = Vec3::new(0.12 * lx, 0.0, 0.08);
            let knee_y = sim.shank_m * s.sin();
            let knee_z = ankle.z + sim.shank_m * s.cos();
            let hip_y = knee_y - sim.thigh_m * (k - s).sin();
            let hip_z = knee_z + sim.thigh_m * (k - s).cos();
            let hip_x = 0.09 * lx;
            let valgus = sim.valgus_deg[i] * p;
            let knee_x = if valgus.abs() > 1e-9 {
                knee_lateral_for_fppa(hip_x, hip_z, ankle.x, ankle.z, knee_z, valgus, -lx)
            } else {
                hip_x + (knee_z - hip_z) / (ankle.z - hip_z) * (ankle.x - hip_x)
            };
            let hip = Vec3::new(hip_x, hip_y, hip_z);
            hips[i] = hip;
            body.push((if i == 0 { "HipLeft" } else { "HipRight" }, hip));
            body.push((
                if i == 0 { "KneeLeft" } else { "KneeRight" },
                Vec3::new(knee_x, knee_y, knee_z),
            ));
            body.push((if i == 0 { "AnkleLeft" } else { "AnkleRight" }, ankle));
            body.push((
                if i == 0 { "FootLeft" } else { "FootRight" },
                ankle + Vec3::new(0.02 * lx, 0.15, -0.05),
            ));
        }
        let pelvis = hips[0].midpoint(hips[1]) + Vec3::new(0.0, 0.0, 0.05);
        let spine_dir = Vec3::new(
            lean.sin(),
            trunk.sin() * lean.cos(),
            trunk.cos() * lean.cos(),
        );
        let lateral = Vec3::new(lean.cos(), 0.0, -lean.sin());
        let at = |h: f64| pelvis + spine_dir * h;
        body.push(("SpineBase", pelvis));
        body.push(("SpineMid", at(0.26)));
        body.push(("SpineShoulder", at(0.50)));
        body.push(("Neck", at(0.56)));
        body.push(("Head", at(0.72)));
        // Arms reach forward for balance as the person descends.
        let arm = (80.0 * p).to_radians();
        for (lx, names) in [
            (
                -1.0,
                [
                    "ShoulderLeft",
                    "ElbowLeft",
                    "WristLeft",
                    "HandLeft",
                    "HandTipLeft",
                    "ThumbLeft",
                ],
            ),
            (
                1.0,
                [
                    "ShoulderRight",
                    "ElbowRight",
                    "WristRight",
                    "HandRight",
                    "HandTipRight",
                    "ThumbRight",
                ],
            ),
        ] {
            let shoulder = at(0.47) + lateral * (0.18 * lx);
            let down = -spine_dir;
            let fwd = Vec3::new(0.0, 1.0, 0.0);
            let dir = (down * arm.cos() + fwd * arm.sin())
                .normalized()
                .unwrap_or(down);
            let elbow = shoulder + dir * 0.29;
            let wrist = elbow + dir * 0.25;
            let hand = wrist + dir * 0.08;
            body.push((names[0], shoulder));
            body.push((names[1], elbow));
            body.push((names[2], wrist));
            body.push((names[3], hand));
            body.push((names[4], hand + dir * 0.06));
            body.push((names[5], hand + Vec3::new(-0.03 * lx, 0.02, 0.0)));
        }
        for (name, p_body) in body {
            // Yaw, then noise, then the output frame.
            let lab = Vec3::new(
                cy * p_body.x - sy * p_body.y,
                sy * p_body.x + cy * p_body.y,
                p_body.z,
            );
            let noisy = lab + Vec3::new(rng.normal(), rng.normal(), rng.normal()) * sim.noise_m;
            let out = match sim.frame {
                SimFrame::Lab => noisy,
                SimFrame::KinectCamera => Vec3::new(noisy.x, noisy.z, 2.5 - noisy.y),
            };
            positions.set(f, idx(name), out);
        }
    }
    let mut rec = Recording::new(
        SourceInfo {
            path: "simulated-squat".into(),
            format: "simulation".into(),
        },
        skeleton,
        rate,
        positions,
    )?;
    rec.units = LengthUnit::Metres;
    let truth = SimulatedTruth {
        reps: plan.iter().map(|(s, e, _)| (*s, *e)).collect(),
        depth_deg: plan.iter().map(|(_, _, d)| *d).collect(),
    };
    Ok((rec, truth))
}
