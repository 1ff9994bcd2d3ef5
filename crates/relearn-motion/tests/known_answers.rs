//! Known-answer tests on simulated movements (`style-guide.md` §4): a squat with an injected
//! knee valgus of known size, and recordings with a known number of repetitions.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]
use relearn_core::Side;
use relearn_motion::measures::{value_at_peak_of, Measure, MeasureKind, AT_PEAK_TOLERANCE};
use relearn_motion::prepare::{prepare, PrepareSettings};
use relearn_motion::segment::{segment_repetitions, SegmentSettings};
use relearn_motion::simulate::{simulate_squat, SimFrame, SquatSimulation};

/// A simulated squat, prepared: knee flexion and `kind` on `side` per frame, and the frame
/// span of each repetition.
fn knee_series(
    sim: &SquatSimulation,
    side: Side,
    kind: MeasureKind,
) -> (Vec<f64>, Vec<f64>, Vec<(usize, usize)>) {
    let (rec, truth) = simulate_squat(sim).unwrap();
    let p = prepare(rec, &PrepareSettings::default()).unwrap();
    let series = |k| p.measures.get(Measure::sided(k, side)).unwrap().to_vec();
    (series(MeasureKind::KneeFlexion), series(kind), truth.reps)
}

/// FPPA at the frame of peak knee flexion of each repetition (`clinical-spec.md` §6: "measured
/// at peak knee flexion").
fn fppa_at_peak_flexion(sim: &SquatSimulation, side: Side) -> Vec<f64> {
    let (flex, fppa, reps) = knee_series(sim, side, MeasureKind::KneeFrontalPlaneProjection);
    reps.iter()
        .map(|&(a, b)| value_at_peak_of(&fppa[a..b], &flex[a..b], AT_PEAK_TOLERANCE).unwrap())
        .collect()
}

/// Correct examples of a template, one per prepared demonstration.
fn demonstration(
    demo: &[relearn_motion::prepare::PreparedRecording],
) -> Vec<relearn_motion::template::Example<'_>> {
    demo.iter()
        .map(|p| relearn_motion::template::Example {
            prepared: p,
            label: relearn_motion::template::Label::Correct,
            source: "demo".into(),
        })
        .collect()
}

#[test]
fn valgus_of_12_degrees_is_measured_within_2() {
    let sim = SquatSimulation {
        valgus_deg: [12.0, 0.0],
        ..SquatSimulation::default()
    };
    eprintln!(
        "injected 12 (left): measured {:.1?}",
        fppa_at_peak_flexion(&sim, Side::Left)
    );
    for v in fppa_at_peak_flexion(&sim, Side::Left) {
        assert!((v - 12.0).abs() <= 2.0, "left FPPA {v}");
    }
    for v in fppa_at_peak_flexion(&sim, Side::Right) {
        assert!(v.abs() <= 2.0, "right FPPA {v}");
    }
}

/// With 4 mm of noise per joint and frame, a single repetition's value scatters by about 1°
/// (standard deviation); the mean over a set of repetitions, which is what a report gives,
/// must be within 2°, and no single repetition more than 3.5° off.
#[test]
fn valgus_is_measured_within_2_degrees_whatever_the_size_facing_and_frame() {
    for (valgus, yaw, frame, seed) in [
        (5.0, 0.0, SimFrame::Lab, 2),
        (8.0, 45.0, SimFrame::KinectCamera, 3),
        (15.0, -30.0, SimFrame::KinectCamera, 4),
        (20.0, 90.0, SimFrame::Lab, 5),
        (-8.0, 10.0, SimFrame::KinectCamera, 6),
    ] {
        let sim = SquatSimulation {
            valgus_deg: [0.0, valgus],
            yaw_deg: yaw,
            frame,
            seed,
            noise_m: 0.004,
            variability: 0.1,
            ..SquatSimulation::default()
        };
        let all = fppa_at_peak_flexion(&sim, Side::Right);
        let mean = all.iter().sum::<f64>() / all.len() as f64;
        eprintln!("injected {valgus} (yaw {yaw}, {frame:?}): mean {mean:.2}, reps {all:.1?}");
        assert!(
            (mean - valgus).abs() <= 2.0,
            "injected {valgus}, mean {mean} (yaw {yaw})"
        );
        for v in &all {
            assert!(
                (v - valgus).abs() <= 3.5,
                "injected {valgus}, measured {all:?} (yaw {yaw})"
            );
        }
    }
}

/// Knee medial displacement (cm) of each repetition: the median of its first three frames
/// (standing) and its value at peak knee flexion.
fn medial_displacement(sim: &SquatSimulation, side: Side) -> Vec<(f64, f64)> {
    let (flex, inside, reps) = knee_series(sim, side, MeasureKind::KneeMedialDisplacement);
    reps.iter()
        .map(|&(a, b)| {
            let standing = relearn_core::stats::median(&inside[a..a + 3]).unwrap();
            let bottom = value_at_peak_of(&inside[a..b], &flex[a..b], AT_PEAK_TOLERANCE).unwrap();
            (standing, bottom)
        })
        .collect()
}

#[test]
fn knee_medial_displacement_is_the_knee_inside_the_ankle_in_cm() {
    // The simulated legs are straight lines in the frontal plane from hips 18 cm apart to
    // ankles 24 cm apart, so each knee sits inside its ankle by 3 cm times its height's share
    // of the hip's: 3·43/88 = 1.47 cm standing; at the bottom (knee 100°, shank 35° and thigh
    // 65° from vertical) 3·(43 cos 35°)/(43 cos 35° + 45 cos 65°) = 1.95 cm.
    let shank = 0.43 * 35f64.to_radians().cos();
    let thigh = 0.45 * 65f64.to_radians().cos();
    let expected_bottom = 3.0 * shank / (shank + thigh);
    // 1 mm of noise: this checks the geometry (3 mm moves single frames by a few mm).
    let clean = SquatSimulation {
        reps: 3,
        noise_m: 0.001,
        ..SquatSimulation::default()
    };
    for side in Side::BOTH {
        for (standing, bottom) in medial_displacement(&clean, side) {
            assert!(
                (standing - 3.0 * 43.0 / 88.0).abs() < 0.3,
                "{side:?} {standing}"
            );
            assert!((bottom - expected_bottom).abs() < 0.3, "{side:?} {bottom}");
        }
    }
    // A 12° valgus moves the left knee towards the midline by d with
    // atan(d / 19.0 cm) + atan(d / 35.2 cm) = 12° (the thigh and shank's heights at the bottom):
    // d = 2.6 cm; the right knee stays where it was.
    let valgus = SquatSimulation {
        valgus_deg: [12.0, 0.0],
        ..clean.clone()
    };
    let left = medial_displacement(&valgus, Side::Left);
    let right = medial_displacement(&valgus, Side::Right);
    for ((_, l), (_, r)) in left.iter().zip(&right) {
        assert!((l - expected_bottom - 2.6).abs() < 0.4, "left {l}");
        assert!((r - expected_bottom).abs() < 0.3, "right {r}");
    }
}

#[test]
fn knee_flexion_depth_is_measured_within_2_degrees() {
    let sim = SquatSimulation {
        depth_deg: 95.0,
        variability: 0.05,
        seed: 9,
        ..SquatSimulation::default()
    };
    let (rec, truth) = simulate_squat(&sim).unwrap();
    let p = prepare(rec, &PrepareSettings::default()).unwrap();
    let flex = p
        .measures
        .get(Measure::sided(MeasureKind::KneeFlexion, Side::Left))
        .unwrap();
    for (&(a, b), depth) in truth.reps.iter().zip(&truth.depth_deg) {
        let peak = flex[a..b].iter().copied().fold(f64::MIN, f64::max);
        assert!(
            (peak - depth).abs() <= 2.0,
            "truth {depth}, measured {peak}"
        );
    }
}

#[test]
fn segmentation_of_n_simulated_repetitions_finds_n() {
    for (n, seed) in [(1usize, 1u64), (3, 2), (5, 3), (8, 4), (12, 5)] {
        let sim = SquatSimulation {
            reps: n,
            variability: 0.15,
            noise_m: 0.006,
            seed,
            ..SquatSimulation::default()
        };
        let (rec, truth) = simulate_squat(&sim).unwrap();
        let p = prepare(rec, &PrepareSettings::default()).unwrap();
        let (reps, _) = segment_repetitions(&p, None, &SegmentSettings::default());
        assert_eq!(reps.len(), n, "seed {seed}: {reps:?} vs {:?}", truth.reps);
        for (r, (a, b)) in reps.iter().zip(&truth.reps) {
            // Boundaries within 0.5 s of the truth.
            assert!(
                (r.start_frame as f64 - *a as f64).abs() <= 15.0,
                "{r:?} vs {a}"
            );
            assert!(
                (r.end_frame as f64 - *b as f64).abs() <= 15.0,
                "{r:?} vs {b}"
            );
            assert!(r.confidence > 0.5);
        }
    }
}

#[test]
fn repetitions_without_rest_between_them_are_still_counted() {
    let sim = SquatSimulation {
        reps: 6,
        rest_s: 0.0,
        seed: 11,
        ..SquatSimulation::default()
    };
    let (rec, _) = simulate_squat(&sim).unwrap();
    let p = prepare(rec, &PrepareSettings::default()).unwrap();
    let (reps, _) = segment_repetitions(&p, None, &SegmentSettings::default());
    assert_eq!(reps.len(), 6);
}

#[test]
fn quiet_standing_has_no_repetitions() {
    let sim = SquatSimulation {
        reps: 0,
        edge_rest_s: 3.0,
        noise_m: 0.005,
        ..SquatSimulation::default()
    };
    let (rec, _) = simulate_squat(&sim).unwrap();
    let p = prepare(rec, &PrepareSettings::default()).unwrap();
    let (reps, _) = segment_repetitions(&p, None, &SegmentSettings::default());
    assert!(reps.is_empty(), "{reps:?}");
}

/// A one-sided movement demonstrated on the left (left knee caving in, trunk leaning right)
/// and performed on the right (the mirror image) is compared with the mirrored
/// demonstration: the repetition says so and the result carries the `other_side` warning;
/// a repetition on the demonstration's side is compared as performed.
#[test]
fn a_repetition_on_the_other_side_is_scored_against_the_mirrored_demonstration() {
    use relearn_motion::score::score_recording;
    use relearn_motion::template::{build_template, TemplateSettings};
    let settings = TemplateSettings::default();
    let sim = |valgus: [f64; 2], lean: f64, seed: u64| {
        let s = SquatSimulation {
            reps: 1,
            valgus_deg: valgus,
            lateral_lean_deg: lean,
            seed,
            ..SquatSimulation::default()
        };
        prepared(&s)
    };
    let demo: Vec<_> = (1..8).map(|s| sim([25.0, 0.0], 25.0, s)).collect();
    let examples = demonstration(&demo);
    let t = build_template("one-sided squat", &examples, &settings).unwrap();
    assert!(!t.reference.mirror_index.is_empty());
    // The same movement on the right side.
    let patient = sim([0.0, 25.0], -25.0, 99);
    let scored = score_recording(&t, &patient).unwrap();
    assert_eq!(scored.reps.len(), 1);
    assert!(scored.reps[0].mirrored);
    let warning = scored
        .warnings
        .iter()
        .find(|w| w.code == "other_side")
        .expect("an other_side warning");
    assert_eq!(
        warning.message,
        "repetition 1 was performed on the other side of the body from the demonstration and \
         was compared with its mirror image"
    );
    let same_side = score_recording(&t, &sim([25.0, 0.0], 25.0, 98)).unwrap();
    assert!(!same_side.reps[0].mirrored);
    assert!(!same_side.warnings.iter().any(|w| w.code == "other_side"));
    assert!(!same_side
        .warnings
        .iter()
        .any(|w| w.code == "skeleton_mismatch"));
    // The same recording said to come from another tracker is still scored, with a warning
    // that names both systems.
    let mut other_system = sim([25.0, 0.0], 25.0, 98);
    other_system.recording.skeleton.name = "coco-18".into();
    let scored = score_recording(&t, &other_system).unwrap();
    assert_eq!(scored.reps.len(), 1);
    let w = scored
        .warnings
        .iter()
        .find(|w| w.code == "skeleton_mismatch")
        .expect("a skeleton_mismatch warning");
    assert!(w.message.contains("coco-18") && w.message.contains(&t.skeleton));
}

/// A demonstration whose knees project 40° inward at the bottom (in a real deep squat, the
/// projection of a forward-pointing thigh does such things) and a patient at 10°: the
/// difference is not told as the knee "drifting outward" where the demonstrated angle is
/// beyond 30°, around the bottom, where it no longer describes a knee (the largest
/// difference, 30°, is there); the knee medial displacement tells where the knee went
/// instead. Where the demonstration is still under 30°, the angle's difference is told. A
/// demonstration at 10° and a patient at 40° keep the angle's message at the bottom.
#[test]
fn a_projection_angle_beyond_what_a_knee_shows_is_not_told_as_the_knee() {
    use relearn_motion::measures::FPPA_DESCRIBES_THE_KNEE_DEG;
    use relearn_motion::score::score_recording;
    use relearn_motion::template::{build_template, TemplateSettings};
    let settings = TemplateSettings::default();
    let sim = |valgus: f64, seed: u64| {
        let s = SquatSimulation {
            reps: 1,
            valgus_deg: [valgus, valgus],
            seed,
            ..SquatSimulation::default()
        };
        prepared(&s)
    };
    // Each difference with the demonstrated value at its phase.
    let deviations = |demonstrated: f64, performed: f64| {
        let demo: Vec<_> = (1..8).map(|s| sim(demonstrated, s)).collect();
        let t = build_template("squat", &demonstration(&demo), &settings).unwrap();
        let mean = t.reference.absolute_mean();
        let (c, points) = (t.reference.channel_count(), t.reference.points);
        let scored = score_recording(&t, &sim(performed, 99)).unwrap();
        scored.reps[0]
            .deviations
            .iter()
            .filter(|d| d.rule.is_none())
            .map(|d| {
                let k = t
                    .reference
                    .channels
                    .iter()
                    .position(|ch| ch.id() == d.measure);
                let i = (d.phase_pct / 100.0 * (points - 1) as f64).round() as usize;
                let shown = k.map_or(f64::NAN, |k| mean[i * c + k]);
                (d.measure.clone(), d.direction.clone(), d.size, shown)
            })
            .collect::<Vec<_>>()
    };
    let deep = deviations(40.0, 10.0);
    eprintln!("demonstrated 40°, performed 10°: {deep:?}");
    for (m, _, size, shown) in &deep {
        if m.contains("fppa") {
            assert!(
                shown.abs() <= FPPA_DESCRIBES_THE_KNEE_DEG,
                "{m} {size} where {shown}"
            );
            assert!(size.abs() < 28.0, "{m} {size} where {shown}");
        }
    }
    assert!(
        deep.iter()
            .any(|(m, dir, size, _)| m.contains("knee_medial_displacement")
                && dir == "outward"
                && *size < -2.0),
        "{deep:?}"
    );
    let shallow = deviations(10.0, 40.0);
    eprintln!("demonstrated 10°, performed 40°: {shallow:?}");
    assert!(
        shallow
            .iter()
            .any(|(m, dir, size, _)| m.contains("fppa") && dir == "inward" && *size > 25.0),
        "{shallow:?}"
    );
}

/// A patient whose own correct squat differs from the demonstrated population's in the
/// direction of the fault: the population's correct squats reach 100° of knee flexion and
/// its faulty ones 70° (UI-PRMD's incorrect deep squat is mostly a shallower one), but this
/// patient's correct squat reaches 80° (say, stiff ankles) and their faulty one 55°. Before
/// personalising, the template calls their correct squats incorrect; two labelled
/// repetitions of each kind shift the verdict so that their other squats are judged right.
/// A simulated recording, prepared as a template's default settings ask
/// (`TemplateSettings::default().prepare` is `PrepareSettings::default()`).
fn prepared(s: &SquatSimulation) -> relearn_motion::prepare::PreparedRecording {
    prepare(simulate_squat(s).unwrap().0, &PrepareSettings::default()).unwrap()
}

/// Labelled examples from (faulty, recording) pairs.
fn labelled_as<'a>(
    squats: &'a [(bool, relearn_motion::prepare::PreparedRecording)],
    source: &str,
) -> Vec<relearn_motion::template::Example<'a>> {
    use relearn_motion::template::{Example, Label};
    squats
        .iter()
        .map(|(faulty, p)| Example {
            prepared: p,
            label: if *faulty {
                Label::Incorrect
            } else {
                Label::Correct
            },
            source: source.into(),
        })
        .collect()
}

/// How many of the (faulty, recording) pairs template `t` gives the right verdict on its
/// first repetition.
fn verdicts_right(
    t: &relearn_motion::template::Template,
    squats: &[(bool, relearn_motion::prepare::PreparedRecording)],
) -> usize {
    use relearn_motion::score::{score_recording, Verdict};
    squats
        .iter()
        .filter(|(faulty, p)| {
            let v = score_recording(t, p).unwrap().reps[0].verdict;
            (v == Verdict::Incorrect) == *faulty
        })
        .count()
}

/// `reps` squats of one person (thigh length `thigh` m) to `depth` degrees of knee flexion,
/// 5 % variable from one repetition to the next, with 5 mm of tracking noise (seeded),
/// prepared as a template's default settings ask.
fn person_squats(
    reps: usize,
    depth: f64,
    thigh: f64,
    seed: u64,
) -> relearn_motion::prepare::PreparedRecording {
    let s = SquatSimulation {
        reps,
        depth_deg: depth,
        thigh_m: thigh,
        variability: 0.05,
        noise_m: 0.005,
        seed,
        ..SquatSimulation::default()
    };
    prepared(&s)
}

#[test]
fn personalising_with_two_labelled_repetitions_of_each_kind_fixes_a_personal_style() {
    use relearn_motion::personalise::{personalise, DEFAULT_PRIOR_SD_LOGIT};
    use relearn_motion::score::score_recording;
    use relearn_motion::template::{build_template, TemplateSettings};
    let settings = TemplateSettings::default();
    let squat = |depth: f64, thigh: f64, seed: u64| person_squats(1, depth, thigh, seed);
    // The population: three people, four squats each way.
    let mut population = Vec::new();
    for (k, thigh) in [0.41, 0.45, 0.49].into_iter().enumerate() {
        for r in 0..8u64 {
            let faulty = r % 2 == 1;
            let depth = if faulty { 70.0 } else { 100.0 };
            population.push((faulty, squat(depth, thigh, 100 * k as u64 + r)));
        }
    }
    let template =
        build_template("squat", &labelled_as(&population, "population"), &settings).unwrap();
    // The patient: correct at 80°, faulty at 55°.
    let patient = |r: u64, seed: u64| {
        let faulty = r % 2 == 1;
        (faulty, squat(if faulty { 55.0 } else { 80.0 }, 0.45, seed))
    };
    let labelled: Vec<_> = (0..4u64).map(|r| patient(r, 900 + r)).collect();
    let fresh: Vec<_> = (0..10u64).map(|r| patient(r, 950 + r)).collect();
    let right = |t: &relearn_motion::template::Template| verdicts_right(t, &fresh);
    let before = right(&template);
    let patient_examples = labelled_as(&labelled, "patient");
    let personal = personalise(
        &template,
        &patient_examples,
        Some("P-07"),
        DEFAULT_PRIOR_SD_LOGIT,
    )
    .unwrap();
    let after = right(&personal);
    let how = personal.personalisation.as_ref().unwrap();
    eprintln!(
        "right of 10 before {before}, after {after}; shift {:.2} logits; rules not deciding {:?}; labelled agreement {} -> {}",
        how.offset_logit, how.rules_not_deciding, how.agreement_before, how.agreement_after
    );
    assert!(
        before <= 7,
        "the style should fool the template: {before} of 10 right"
    );
    assert_eq!(after, 10, "after personalising: {after} of 10 right");
    // The depth limit, which the patient's correct squats break, is still reported on their
    // shallow squats but no longer decides the verdict alone.
    assert_eq!(how.rules_not_deciding, ["insufficient_depth"]);
    let shallow = score_recording(&personal, &fresh[1].1).unwrap();
    assert!(shallow.reps[0]
        .deviations
        .iter()
        .any(|d| d.rule.as_deref() == Some("insufficient_depth")));
    assert_eq!(how.labelled_repetitions, 4);
    // The shift is held back by its prior, so a labelled repetition may stay just on the
    // other side of 50 (one correct squat scores 49 since the knee medial displacement became
    // a compared signal); most must agree, more than before.
    assert!(how.agreement_after >= 3, "{}", how.agreement_after);
    assert!(how.agreement_after > how.agreement_before);
    assert_eq!(how.base_template_id, template.id);
    assert_ne!(personal.id, template.id);
    assert_eq!(personal.id, personal.compute_id());
    // Personalising twice is refused: the original is personalised with all the labels.
    assert!(personalise(&personal, &patient_examples, None, DEFAULT_PRIOR_SD_LOGIT).is_err());
}

/// `reps` simulated squats with `noise_m` of tracking noise (seeded), prepared as a template's
/// default settings ask.
fn noisy_squats(
    reps: usize,
    noise_m: f64,
    seed: u64,
) -> relearn_motion::prepare::PreparedRecording {
    let s = SquatSimulation {
        reps,
        noise_m,
        seed,
        ..SquatSimulation::default()
    };
    prepared(&s)
}

/// A template demonstrated on six steady recordings (3 mm of noise) of `reps` squats each.
fn steady_demonstration(reps: usize) -> relearn_motion::template::Template {
    use relearn_motion::template::{build_template, TemplateSettings};
    let demo: Vec<_> = (1..7).map(|s| noisy_squats(reps, 0.003, s)).collect();
    build_template("squat", &demonstration(&demo), &TemplateSettings::default()).unwrap()
}

/// Six steady demonstrations (3 mm of jitter) and a seventh whose tracker jittered by 25 mm:
/// the template says which example to check, and says nothing of the others.
#[test]
fn a_noisy_example_is_pointed_out_when_the_template_is_built() {
    use relearn_motion::template::{build_template, TemplateSettings};
    let mut demo: Vec<_> = (1..7).map(|s| noisy_squats(2, 0.003, s)).collect();
    demo.push(noisy_squats(2, 0.025, 7));
    let t = build_template("squat", &demonstration(&demo), &TemplateSettings::default()).unwrap();
    let flagged: Vec<usize> = t
        .examples
        .iter()
        .enumerate()
        .filter(|(_, e)| !e.checks.is_empty())
        .map(|(i, _)| i)
        .collect();
    assert_eq!(flagged, [6], "{:?}", t.examples);
    assert!(
        t.examples[6].checks[0].starts_with("tracking noise"),
        "{:?}",
        t.examples[6].checks
    );
}

/// A template demonstrated on a steady tracker (3 mm of jitter) and a patient recorded with a
/// jittery one (25 mm): the score says the recording is noisier than the template's examples,
/// and says nothing for a patient recorded like the demonstration.
#[test]
fn a_recording_noisier_than_the_demonstration_is_warned_about() {
    use relearn_motion::score::score_recording;
    let sim = |noise_m: f64, seed: u64| noisy_squats(2, noise_m, seed);
    let t = steady_demonstration(2);
    let range = t.noise.as_ref().expect("a noise range from six recordings");
    assert_eq!(range.examples, 6);
    let noisy = sim(0.025, 50);
    assert!(noisy.noise_mm.unwrap() > range.fence);
    let w = score_recording(&t, &noisy)
        .unwrap()
        .warnings
        .into_iter()
        .find(|w| w.code == "noisier_than_template")
        .expect("a noisier_than_template warning");
    assert!(w.message.contains("tracking noise"), "{}", w.message);
    let steady = score_recording(&t, &sim(0.003, 51)).unwrap();
    assert!(!steady
        .warnings
        .iter()
        .any(|w| w.code == "noisier_than_template"));
}

/// A patient filmed at 15 Hz by a tracker a little noisier per frame (4 mm) than the 30 Hz
/// demonstration's (3 mm): the 6 Hz filter removes less at 15 Hz, so the recording's noise
/// estimate is lower than the examples', yet its filtered positions keep more noise (the filter
/// passes 80 % of white noise at 15 Hz, 40 % at 30 Hz). Compared at the examples' rate, it is
/// matched; the same tracker at 30 Hz is not.
#[test]
fn a_recording_at_another_frame_rate_is_compared_by_the_noise_its_scores_see() {
    use relearn_motion::noise_match::noise_at_examples_rate;
    use relearn_motion::score::score_recording;
    let t = steady_demonstration(3);
    assert_eq!(t.noise_rate_hz, Some(30.0));
    let median = t.noise.as_ref().unwrap().median;
    let at = |rate_hz: f64| {
        let s = SquatSimulation {
            reps: 3,
            noise_m: 0.004,
            seed: 70,
            rate_hz,
            ..SquatSimulation::default()
        };
        prepared(&s)
    };
    let slow = at(15.0);
    assert!(
        slow.noise_mm.unwrap() < median,
        "looks steadier: {:?}",
        slow.noise_mm
    );
    let compared = noise_at_examples_rate(&t, &slow).unwrap();
    assert!(compared > 1.5 * median, "{compared} mm against {median} mm");
    let m = score_recording(&t, &slow)
        .unwrap()
        .noise_match
        .expect("matched at the examples' rate");
    assert_eq!((m.rate_hz, m.examples_rate_hz), (15.0, 30.0));
    assert!(m.cutoff_hz < 6.0);
    let same_rate = score_recording(&t, &at(30.0)).unwrap();
    assert!(
        same_rate.noise_match.is_none(),
        "{:?}",
        same_rate.noise_match
    );
}

/// The same squat recorded by a steady tracker (3 mm, like the demonstration) and by a
/// jittery one (10 mm): the jittery recording is scored after the matched low-pass and against
/// the widened band (`noise_match`), which brings its scores closer to the steady
/// recording's than plain scoring does.
#[test]
fn a_noisy_recording_is_matched_to_the_demonstrations_noise_before_scoring() {
    use relearn_motion::noise_match::matched_cutoff_floor_hz;
    use relearn_motion::score::score_recording;
    let sim = |noise_m: f64, seed: u64| noisy_squats(3, noise_m, seed);
    let t = steady_demonstration(3);
    let steady = score_recording(&t, &sim(0.003, 60)).unwrap();
    assert!(
        steady.noise_match.is_none(),
        "a steady recording is scored as it is"
    );
    let noisy_p = sim(0.010, 60);
    let matched = score_recording(&t, &noisy_p).unwrap();
    let m = matched
        .noise_match
        .clone()
        .expect("a noisy recording is matched");
    assert!(m.cutoff_hz <= 3.0 && m.cutoff_hz >= matched_cutoff_floor_hz(&t, 6.0) - 1e-12);
    assert!(
        m.extra_noise_mm > 0.0,
        "10 mm cannot be filtered down to 3 mm: {m:?}"
    );
    assert!(matched
        .warnings
        .iter()
        .any(|w| w.code == "noisier_than_template" && w.message.contains("Hz low-pass")));
    // Matched in place (what the command-line tool does), the scores are the same; matching
    // twice, or scoring against a template the recording was not matched to, is refused.
    let mut in_place = noisy_p.clone();
    let done = relearn_motion::noise_match::match_in_place(&t, &mut in_place).unwrap();
    assert_eq!(done.as_ref(), Some(&m));
    let again = score_recording(&t, &in_place).unwrap();
    assert_eq!(again.reps, matched.reps);
    assert_eq!(again.noise_match, matched.noise_match);
    assert!(relearn_motion::noise_match::match_in_place(&t, &mut in_place).is_err());
    // Plain scoring: the same template with matching switched off. It still warns, without
    // saying the recording was filtered again.
    let mut plain_t = t.clone();
    plain_t.settings.noise_match.enabled = false;
    let plain = score_recording(&plain_t, &noisy_p).unwrap();
    assert!(plain.noise_match.is_none());
    let warning = plain
        .warnings
        .iter()
        .find(|w| w.code == "noisier_than_template")
        .expect("warned without matching too");
    assert!(!warning.message.contains("low-pass"), "{}", warning.message);
    assert!(score_recording(&plain_t, &in_place).is_err());
    let gap = |s: &relearn_motion::score::RecordingScore| {
        assert_eq!(s.reps.len(), steady.reps.len());
        s.reps
            .iter()
            .zip(&steady.reps)
            .map(|(a, b)| (a.score - b.score).abs())
            .sum::<f64>()
            / s.reps.len() as f64
    };
    let (gap_matched, gap_plain) = (gap(&matched), gap(&plain));
    assert!(
        gap_matched < gap_plain,
        "matched {gap_matched:.1} points from the steady scores, plain {gap_plain:.1}"
    );
}

/// The JSON written with its identity set from the same serialisation
/// (`Template::identified_json`) is the template serialised with the identity
/// `Template::compute_id` gives, byte for byte, and reads back to the same template.
#[test]
fn a_template_written_in_one_serialisation_has_the_same_identity() {
    let built = steady_demonstration(2);
    let mut unidentified = built.clone();
    unidentified.id = String::new();
    let json = unidentified.identified_json().unwrap();
    assert_eq!(unidentified.id, built.id);
    assert_eq!(json, serde_json::to_vec(&built).unwrap());
    let read: relearn_motion::template::Template = serde_json::from_slice(&json).unwrap();
    assert_eq!(read.compute_id(), built.id);
}

/// A template file as Relearn writes it is recognised by hashing its text, without
/// serialising the template again; a changed or reformatted file is not (its identity is then
/// left to `Template::compute_id`, which still accepts the reformatted one).
#[test]
fn a_written_template_is_checked_from_its_text() {
    let mut built = steady_demonstration(2);
    let json = String::from_utf8(built.identified_json().unwrap()).unwrap();
    let read: relearn_motion::template::Template = serde_json::from_str(&json).unwrap();
    assert!(read.matches_written_identity(&json));
    // One character of the content changed: the hash no longer matches.
    let changed = json.replacen("\"exercise\":\"", "\"exercise\":\"x", 1);
    assert_ne!(changed, json);
    assert!(!read.matches_written_identity(&changed));
    // Laid out otherwise: not recognised from the text, but the content is the same.
    let pretty = serde_json::to_string_pretty(&read).unwrap();
    let reread: relearn_motion::template::Template = serde_json::from_str(&pretty).unwrap();
    assert!(!reread.matches_written_identity(&pretty));
    assert_eq!(reread.compute_id(), reread.id);
    // Another identity than the one written.
    let mut other = read.clone();
    other.id = "0".repeat(64);
    assert!(!other.matches_written_identity(&json));
}

/// Contralateral pelvic drop is defined against a stance leg (`clinical-spec.md` §6): a
/// template from squats on both feet switches the rule off and says why, and keeps the
/// other rules that are not about a seated or single-leg posture.
#[test]
fn a_squat_demonstration_on_both_feet_does_not_check_pelvic_drop() {
    let t = steady_demonstration(5);
    let rule = |id: &str| t.rules.iter().find(|r| r.id == id).unwrap();
    let drop = rule("pelvic_drop");
    assert!(!drop.enabled);
    let note = drop.note.as_deref().unwrap();
    assert!(
        note.starts_with("not applicable") && note.contains("on both feet"),
        "{note}"
    );
    assert!(rule("knee_valgus").enabled && rule("trunk_lateral_lean").enabled);
}

/// A recording that stops at the bottom of the third of four squats, and one that starts at
/// the bottom of the first: the segmentation marks that repetition as cut off and the others
/// as whole. Scoring shows it but does not judge it (no differences told: the missing part
/// would read as faults), warns, and leaves it out of the set; a template build leaves it out
/// of what it learns and says so in the example's checks.
#[test]
fn a_repetition_cut_off_by_the_recording_is_shown_but_not_judged() {
    use relearn_motion::score::score_recording;
    use relearn_motion::segment::CutOff;
    use relearn_motion::template::{build_template, TemplateSettings};
    let sim = SquatSimulation {
        reps: 4,
        seed: 21,
        ..SquatSimulation::default()
    };
    let (rec, truth) = simulate_squat(&sim).unwrap();
    let bottom = |k: usize| (truth.reps[k].0 + truth.reps[k].1) / 2;
    let n = rec.frame_count();
    let settings = PrepareSettings::default();
    let ends_early = prepare(rec.slice_frames(0, bottom(2)), &settings).unwrap();
    let starts_late = prepare(rec.slice_frames(bottom(0), n), &settings).unwrap();
    let whole = prepare(rec, &settings).unwrap();
    let cut_offs = |p| {
        let (reps, _) = segment_repetitions(p, None, &SegmentSettings::default());
        reps.iter().map(|r| r.cut_off).collect::<Vec<_>>()
    };
    assert_eq!(cut_offs(&whole), [None; 4]);
    assert_eq!(cut_offs(&ends_early), [None, None, Some(CutOff::End)]);
    assert_eq!(
        cut_offs(&starts_late),
        [Some(CutOff::Start), None, None, None]
    );

    let t = steady_demonstration(2);
    for (p, cut) in [(&ends_early, 2), (&starts_late, 0)] {
        let s = score_recording(&t, p).unwrap();
        let judged: Vec<bool> = s.reps.iter().map(|r| r.is_judged()).collect();
        let mut expected = vec![true; s.reps.len()];
        expected[cut] = false;
        assert_eq!(judged, expected, "{:?}", s.reps);
        assert!(s.reps[cut].cut_off.is_some());
        assert!(s.reps[cut].deviations.is_empty(), "{:?}", s.reps[cut]);
        assert_eq!(s.summary().judged, s.reps.len() - 1);
        let w = s.warnings.iter().find(|w| w.code == "cut_off").unwrap();
        assert!(
            w.message.starts_with(&format!("repetition {} ", cut + 1)),
            "{}",
            w.message
        );
    }
    let s = score_recording(&t, &whole).unwrap();
    assert!(s.reps.iter().all(|r| r.is_judged()), "{:?}", s.reps);
    assert!(s.warnings.iter().all(|w| w.code != "cut_off"));

    let mut demo: Vec<_> = (1..6).map(|s| noisy_squats(2, 0.003, s)).collect();
    demo.push(ends_early);
    let t = build_template("squat", &demonstration(&demo), &TemplateSettings::default()).unwrap();
    let last = t.examples.last().unwrap();
    assert_eq!(last.repetitions, 2, "{last:?}");
    assert_eq!(
        last.checks,
        ["1 repetition cut off by the start or end of the recording: left out"]
    );
    assert!(t.examples[..5].iter().all(|e| e.checks.is_empty()));
}

/// A recording of one squat, stopped or started at the bottom, is one repetition cut off at
/// that edge; the same squat recorded whole is not. Short recordings are taken whole as one
/// repetition and checked against the demonstration's duration
/// (`template::whole_recording_cut_off`); a long one, mostly standing, is segmented, and the
/// one repetition found keeps its mark when the recording is taken whole.
#[test]
fn a_recording_of_one_squat_stopped_or_started_at_the_bottom_is_cut_off() {
    use relearn_motion::score::score_recording;
    use relearn_motion::segment::CutOff;
    let t = steady_demonstration(2);
    let settings = PrepareSettings::default();
    for (edge_rest_s, seed) in [(0.3, 31), (4.0, 32)] {
        let sim = SquatSimulation {
            reps: 1,
            edge_rest_s,
            seed,
            ..SquatSimulation::default()
        };
        let (rec, truth) = simulate_squat(&sim).unwrap();
        let bottom = (truth.reps[0].0 + truth.reps[0].1) / 2;
        let n = rec.frame_count();
        for (p, cut) in [
            (prepare(rec.slice_frames(0, n), &settings).unwrap(), None),
            (
                prepare(rec.slice_frames(0, bottom), &settings).unwrap(),
                Some(CutOff::End),
            ),
            (
                prepare(rec.slice_frames(bottom, n), &settings).unwrap(),
                Some(CutOff::Start),
            ),
        ] {
            let s = score_recording(&t, &p).unwrap();
            let marks: Vec<Option<CutOff>> = s.reps.iter().map(|r| r.cut_off).collect();
            assert_eq!(marks, [cut], "edge rest {edge_rest_s} s: {:?}", s.reps);
        }
    }
}

/// The template a clinic builds most often: one person's demonstration, correct repetitions
/// only. It must call the demonstration's own repetitions correct, and most of the same
/// person's next ones; a squat 30° shallower is incorrect. A patient with another style (a
/// shallower correct squat, longer thighs) lies beyond the demonstrator's spread, and
/// personalising with two labelled repetitions of each kind puts the threshold where that
/// patient's own repetitions divide (the one-class probability is smooth, so the shift can
/// move it).
#[test]
fn a_demonstration_of_correct_repetitions_only_judges_the_demonstrator_and_a_patient() {
    use relearn_motion::personalise::{personalise, DEFAULT_PRIOR_SD_LOGIT};
    use relearn_motion::score::{score_recording, Verdict};
    use relearn_motion::template::{build_template, TemplateSettings, VerdictModel};
    let settings = TemplateSettings::default();
    let squats = person_squats;
    let demo = squats(5, 100.0, 0.45, 1);
    let template = build_template(
        "squat",
        &demonstration(std::slice::from_ref(&demo)),
        &settings,
    )
    .unwrap();
    assert!(
        matches!(
            template.verdict,
            VerdictModel::OneClass {
                log_width: Some(_),
                ..
            }
        ),
        "{:?}",
        template.verdict
    );
    let correct = |p: &relearn_motion::prepare::PreparedRecording| {
        score_recording(&template, p)
            .unwrap()
            .reps
            .iter()
            .filter(|r| r.verdict == Verdict::Correct)
            .count()
    };
    assert_eq!(correct(&demo), 5, "the demonstration's own repetitions");
    // The same person's next repetitions: five held-out deviations promise 5/6 of them within
    // the limit on average, so ten recordings of five are checked (on one recording of five,
    // three is as likely as five).
    let next: usize = (2..12)
        .map(|seed| correct(&squats(5, 100.0, 0.45, seed)))
        .sum();
    eprintln!("the same person's next 50: {next} correct");
    assert!(next >= 38, "the same person's next 50: {next} correct");
    assert_eq!(
        correct(&squats(3, 70.0, 0.45, 3)),
        0,
        "30 degrees shallower"
    );

    // The patient: correct at 90°, faulty at 60°, longer thighs.
    let patient = |r: u64| {
        let faulty = r % 2 == 1;
        (
            faulty,
            squats(1, if faulty { 60.0 } else { 90.0 }, 0.49, 500 + r),
        )
    };
    let labelled: Vec<_> = (0..4u64).map(patient).collect();
    let fresh: Vec<_> = (10..20u64).map(patient).collect();
    let right = |t: &relearn_motion::template::Template| verdicts_right(t, &fresh);
    let examples = labelled_as(&labelled, "patient");
    let personal = personalise(&template, &examples, None, DEFAULT_PRIOR_SD_LOGIT).unwrap();
    // The prior moves the patient's limit by a factor of two per SD, whatever the template's
    // logit scale.
    let VerdictModel::OneClass {
        log_width: Some(w), ..
    } = template.verdict
    else {
        panic!("one-class expected")
    };
    assert_eq!(
        personal.personalisation.as_ref().unwrap().prior_sd_logit,
        (std::f64::consts::LN_2 / w).max(DEFAULT_PRIOR_SD_LOGIT)
    );
    let (before, after) = (right(&template), right(&personal));
    eprintln!("patient: right of 10 before {before}, after {after}");
    assert!(
        before <= 6,
        "the style should fool the template: {before} of 10"
    );
    assert!(after >= 9, "after personalising: {after} of 10 right");
}

/// A patient who squats like the demonstration but 40 % slower is told the tempo and judged
/// on the squat: the same verdicts as the same squats at the demonstrated pace, because the
/// demonstration's pace is not a prescription (`faults::TEMPO_NOTE`). When the clinician
/// prescribes it (the tempo rule's `decides_verdict` set to true, as `template build
/// --rules` puts a clinician's rules in the template), the slower squats are incorrect.
#[test]
fn a_slower_squat_is_told_its_tempo_and_judged_on_its_form_unless_the_tempo_is_prescribed() {
    use relearn_motion::score::{score_recording, Verdict};
    use relearn_motion::template::{build_template, Template, TemplateSettings};
    let demo = person_squats(5, 100.0, 0.45, 1);
    let template = build_template(
        "squat",
        &demonstration(std::slice::from_ref(&demo)),
        &TemplateSettings::default(),
    )
    .unwrap();
    let tempo = template.rules.iter().find(|r| r.id == "tempo").unwrap();
    assert!(tempo.enabled && !tempo.decides_verdict, "{tempo:?}");
    // The same three squats (one seed) lasting 3 s, as demonstrated, or 4.2 s.
    let squats = |rep_duration_s: f64| {
        prepared(&SquatSimulation {
            reps: 3,
            depth_deg: 100.0,
            thigh_m: 0.45,
            variability: 0.05,
            noise_m: 0.005,
            rep_duration_s,
            seed: 7,
            ..SquatSimulation::default()
        })
    };
    // Each repetition's verdict, and whether it was told its tempo.
    let judged = |t: &Template, p: &relearn_motion::prepare::PreparedRecording| {
        let scored = score_recording(t, p).unwrap();
        scored
            .reps
            .iter()
            .map(|r| {
                let told = r.deviations.iter().any(|d| {
                    d.rule.as_deref() == Some("tempo")
                        && d.direction == "slower"
                        && d.message.contains("longer than the demonstration")
                });
                (r.verdict, told)
            })
            .collect::<Vec<_>>()
    };
    let (paced, slow) = (squats(3.0), squats(4.2));
    let at_pace = judged(&template, &paced);
    assert_eq!(at_pace.len(), 3);
    assert!(at_pace.iter().all(|(_, told)| !told), "{at_pace:?}");
    assert!(
        at_pace
            .iter()
            .filter(|(v, _)| *v == Verdict::Correct)
            .count()
            >= 2,
        "{at_pace:?}"
    );
    let slower = judged(&template, &slow);
    assert!(slower.iter().all(|(_, told)| *told), "{slower:?}");
    let verdicts = |j: &[(Verdict, bool)]| j.iter().map(|(v, _)| *v).collect::<Vec<_>>();
    assert_eq!(verdicts(&slower), verdicts(&at_pace));
    let mut prescribed = template.clone();
    for r in prescribed.rules.iter_mut().filter(|r| r.id == "tempo") {
        r.decides_verdict = true;
    }
    assert_eq!(
        verdicts(&judged(&prescribed, &slow)),
        [Verdict::Incorrect; 3]
    );
    assert_eq!(verdicts(&judged(&prescribed, &paced)), verdicts(&at_pace));
}

/// A second demonstrator teaches a template of correct repetitions how differently people
/// squat correctly: a third person's correct squats, between the two demonstrators' styles
/// (105° and 85° of knee flexion, thighs of 43 and 49 cm), are called correct more often by
/// the template of both than by either one's, and a squat 35° shallower stays incorrect
/// (VALIDATION.md §4, "Two or three demonstrators").
#[test]
fn a_second_demonstrator_widens_what_a_template_of_correct_squats_accepts() {
    use relearn_motion::score::{score_recording, Verdict};
    use relearn_motion::template::{build_template, TemplateSettings};
    let first = person_squats(5, 105.0, 0.43, 1);
    let second = person_squats(5, 85.0, 0.49, 2);
    let one = |p: &relearn_motion::prepare::PreparedRecording| {
        build_template(
            "squat",
            &demonstration(std::slice::from_ref(p)),
            &TemplateSettings::default(),
        )
        .unwrap()
    };
    let both = build_template(
        "squat",
        &demonstration(&[first.clone(), second.clone()]),
        &TemplateSettings::default(),
    )
    .unwrap();
    let third = person_squats(6, 95.0, 0.46, 3);
    let shallow = person_squats(3, 60.0, 0.46, 4);
    let called = |t: &relearn_motion::template::Template,
                  p: &relearn_motion::prepare::PreparedRecording,
                  v: Verdict| {
        score_recording(t, p)
            .unwrap()
            .reps
            .iter()
            .filter(|r| r.verdict == v)
            .count()
    };
    let (by_first, by_second, by_both) = (
        called(&one(&first), &third, Verdict::Correct),
        called(&one(&second), &third, Verdict::Correct),
        called(&both, &third, Verdict::Correct),
    );
    eprintln!("third person's 6 correct squats called correct: {by_first}, {by_second}, {by_both}");
    // (With other seeds for the third person: 0-1 by the first alone, 1-5 by the second
    // alone, 6 by both.)
    assert!(
        by_both >= 5 && by_both > by_first + 2 && by_both >= by_second,
        "{by_first}, {by_second}, {by_both}"
    );
    assert_eq!(called(&both, &shallow, Verdict::Incorrect), 3);
}

/// A depth camera that loses a raised or bent leg for a few frames can fold the ankle back
/// onto the knee: four frames (0.13 s) of that at the bottom of a squat read as the knee
/// bending tens of degrees further. Told only when held for 0.2 s of the demonstration
/// (`TemplateSettings::deviation_min_held_s`), no such difference is told; with no holding
/// time, it is. A squat held 25° shallower through the bottom is still told, at about its
/// size (VALIDATION.md §4, "Differences told only when held").
#[test]
fn a_few_frames_of_lost_tracking_are_not_told_as_the_knee_but_a_held_difference_is() {
    use relearn_motion::score::score_recording;
    use relearn_motion::template::{build_template, TemplateSettings};
    let demo: Vec<_> = (1..7).map(|s| noisy_squats(3, 0.003, s)).collect();
    let template =
        build_template("squat", &demonstration(&demo), &TemplateSettings::default()).unwrap();
    assert_eq!(template.settings.deviation_min_held_s, 0.2);
    let mut no_holding = template.clone();
    no_holding.settings.deviation_min_held_s = 0.0;
    // The patient's squats as demonstrated, the left ankle folded 80 % of the way back to
    // the hip for four frames at the bottom of each repetition.
    let sim = SquatSimulation {
        reps: 3,
        noise_m: 0.003,
        seed: 11,
        ..SquatSimulation::default()
    };
    let (mut rec, truth) = simulate_squat(&sim).unwrap();
    let joint = |name: &str| rec.skeleton.joint_index(name).unwrap();
    let (hip, knee, ankle) = (joint("HipLeft"), joint("KneeLeft"), joint("AnkleLeft"));
    for &(start, end) in &truth.reps {
        let bottom = (start + end) / 2;
        for f in bottom - 2..bottom + 2 {
            let (h, k) = (
                rec.positions.get(f, hip).unwrap(),
                rec.positions.get(f, knee).unwrap(),
            );
            rec.positions.set(f, ankle, k + (h - k) * 0.8);
        }
    }
    let glitched = prepare(rec, &PrepareSettings::default()).unwrap();
    // The largest left knee flexion difference told on each repetition (0 when none).
    let knee_told = |t: &relearn_motion::template::Template,
                     p: &relearn_motion::prepare::PreparedRecording| {
        score_recording(t, p)
            .unwrap()
            .reps
            .iter()
            .map(|r| {
                r.deviations
                    .iter()
                    .filter(|d| d.measure == "left_knee_flexion")
                    .map(|d| d.size.abs())
                    .fold(0.0, f64::max)
            })
            .collect::<Vec<_>>()
    };
    let unheld = knee_told(&no_holding, &glitched);
    eprintln!("glitch told with no holding time: {unheld:.1?}");
    assert!(unheld.iter().all(|&d| d > 20.0), "{unheld:?}");
    let held = knee_told(&template, &glitched);
    eprintln!("glitch told when held 0.2 s: {held:.1?}");
    assert!(held.iter().all(|&d| d < 10.0), "{held:?}");
    // Squats 25° shallower throughout the bottom: a difference held, told at about 25°.
    let shallow = prepared(&SquatSimulation {
        depth_deg: SquatSimulation::default().depth_deg - 25.0,
        ..sim
    });
    let told = knee_told(&template, &shallow);
    eprintln!("25 degrees shallower, told: {told:.1?}");
    assert!(told.iter().all(|&d| (15.0..=30.0).contains(&d)), "{told:?}");
}

/// A demonstration on one side (the left knee 25° in and the trunk leaning 25° right at the
/// bottom) and a patient who squats on the other side, less deep, with a shorter thigh and a
/// tracker ten times as noisy: far from the demonstration either way, so the ratio of the
/// two distances (`MIRROR_CLOSER`) does not tell the side, but the demonstration's own
/// left-right difference shows, mirrored, in the patient's, and the repetition is compared
/// with the mirrored demonstration (`SideAsymmetry`). A symmetric demonstration is not
/// one-sided, and its repetitions are compared as performed (VALIDATION.md §4, "The other
/// side").
#[test]
fn an_unlike_repetition_on_the_other_side_is_still_compared_with_the_mirrored_demonstration() {
    use relearn_motion::prepare::PreparedRecording;
    use relearn_motion::score::score_recording;
    use relearn_motion::template::{build_template, Template, TemplateSettings};
    let demo_squat = |valgus: [f64; 2], lean: f64, seed: u64| {
        prepared(&SquatSimulation {
            reps: 1,
            valgus_deg: valgus,
            lateral_lean_deg: lean,
            seed,
            ..SquatSimulation::default()
        })
    };
    let unlike_squat = |valgus: [f64; 2], lean: f64| {
        prepared(&SquatSimulation {
            reps: 1,
            valgus_deg: valgus,
            lateral_lean_deg: lean,
            depth_deg: 60.0,
            thigh_m: 0.35,
            noise_m: 0.03,
            seed: 99,
            ..SquatSimulation::default()
        })
    };
    let mirrored =
        |t: &Template, p: &PreparedRecording| score_recording(t, p).unwrap().reps[0].mirrored;
    // A template of seven demonstrations, and its side asymmetry.
    let template_of = |valgus: [f64; 2], lean: f64| {
        let demo: Vec<_> = (1..8).map(|s| demo_squat(valgus, lean, s)).collect();
        let t =
            build_template("squat", &demonstration(&demo), &TemplateSettings::default()).unwrap();
        let sides = t.reference.sides.expect("the demonstration's asymmetry");
        (t, sides)
    };
    let (t, sides) = template_of([25.0, 0.0], 25.0);
    assert!(sides.one_sided(), "{sides:?}");
    let other_side = unlike_squat([0.0, 25.0], -25.0);
    assert!(mirrored(&t, &other_side));
    assert!(!mirrored(&t, &unlike_squat([25.0, 0.0], 25.0)));
    // By the ratio alone (a template written before `sides` existed), the side is missed.
    let mut ratio_only = t.clone();
    ratio_only.reference.sides = None;
    assert!(!mirrored(&ratio_only, &other_side));
    // A symmetric demonstration is not one-sided: a squat with one knee in is compared as
    // performed, whichever knee.
    let (ts, s) = template_of([0.0, 0.0], 0.0);
    assert!(!s.one_sided(), "{s:?}");
    for valgus in [[20.0, 0.0], [0.0, 20.0]] {
        assert!(!mirrored(&ts, &unlike_squat(valgus, 0.0)));
    }
}

/// Recordings of one squat each, demonstrated with a second of standing at each end, and a
/// X: long enough to be
/// segmented (more than `single_rep_ratio` × the demonstration's duration), it is judged on
/// the squat found in it, from rest to rest, and not on the whole recording, whose seconds
/// of standing would read as a squat that starts late and a slow phase (VALIDATION.md §4,
/// "A lone repetition in a long recording").
#[test]
fn a_lone_squat_after_seconds_of_standing_is_judged_on_the_squat() {
    use relearn_motion::score::score_recording;
    use relearn_motion::template::{build_template, TemplateSettings};
    let one_squat = |edge_before_s: f64, seed: u64| {
        let sim = SquatSimulation {
            reps: 1,
            edge_rest_s: 1.0,
            variability: 0.03,
            seed,
            ..SquatSimulation::default()
        };
        let (mut rec, truth) = simulate_squat(&sim).unwrap();
        // Standing longer before the squat: the first frame repeated.
        let extra = ((edge_before_s - 1.0) * sim.rate_hz).round() as usize;
        let joints = rec.skeleton.len();
        let first: Vec<_> = (0..joints).map(|j| rec.positions.get(0, j)).collect();
        let frames = rec.frame_count();
        let mut longer = relearn_core::PositionTable::missing(frames + extra, joints);
        for f in 0..frames + extra {
            for (j, p0) in first.iter().enumerate() {
                let p = if f < extra {
                    *p0
                } else {
                    rec.positions.get(f - extra, j)
                };
                if let Some(p) = p {
                    longer.set(f, j, p);
                }
            }
        }
        rec.positions = longer;
        let squat = truth.reps[0];
        let prepared = prepare(rec, &PrepareSettings::default()).unwrap();
        (prepared, (squat.0 + extra, squat.1 + extra))
    };
    let demo: Vec<_> = (1..7).map(|s| one_squat(1.0, s).0).collect();
    let t = build_template("squat", &demonstration(&demo), &TemplateSettings::default()).unwrap();
    let (patient, (start, end)) = one_squat(6.0, 9);
    let rate = patient.recording.rate_hz;
    assert!(patient.recording.duration_s() > t.settings.single_rep_ratio * t.reference.duration_s);
    let scored = score_recording(&t, &patient).unwrap();
    assert_eq!(scored.reps.len(), 1);
    let rep = &scored.reps[0];
    eprintln!(
        "squat {:.2}-{:.2} s; judged {:.2}-{:.2} s; demonstration {:.2} s",
        start as f64 / rate,
        end as f64 / rate,
        rep.start_s,
        rep.end_s,
        t.reference.duration_s
    );
    assert!((rep.start_s - start as f64 / rate).abs() < 0.5, "{rep:?}");
    assert!((rep.end_s - end as f64 / rate).abs() < 0.5, "{rep:?}");
    assert!(
        !rep.deviations
            .iter()
            .any(|d| d.rule.as_deref() == Some("tempo")),
        "{:?}",
        rep.deviations
    );
}

/// A one-sided demonstration in which one recording lost the left ankle throughout (so it
/// has no left knee measures): the template keeps neither side of what it lacks, keeps its
/// mirror map, and a patient on the other side is still compared with the mirrored
/// demonstration. Before, that one recording switched mirroring off for the whole template
/// (VALIDATION.md §4, "Both sides or neither").
#[test]
fn a_demonstration_missing_one_sides_measure_in_one_recording_still_mirrors() {
    use relearn_motion::channels::Channel;
    use relearn_motion::score::score_recording;
    use relearn_motion::template::{build_template, TemplateSettings};
    let squat = |valgus: [f64; 2], lean: f64, seed: u64, lose_left_ankle: bool| {
        let (mut rec, _) = simulate_squat(&SquatSimulation {
            reps: 1,
            valgus_deg: valgus,
            lateral_lean_deg: lean,
            seed,
            ..SquatSimulation::default()
        })
        .unwrap();
        if lose_left_ankle {
            let ankle = rec.skeleton.joint_index("AnkleLeft").unwrap();
            for f in 0..rec.frame_count() {
                rec.positions.set(
                    f,
                    ankle,
                    relearn_core::Vec3::new(f64::NAN, f64::NAN, f64::NAN),
                );
            }
        }
        prepare(rec, &PrepareSettings::default()).unwrap()
    };
    let demo: Vec<_> = (1..8)
        .map(|s| squat([25.0, 0.0], 25.0, s, s == 3))
        .collect();
    let t = build_template(
        "one-sided squat",
        &demonstration(&demo),
        &TemplateSettings::default(),
    )
    .unwrap();
    let ids: Vec<String> = t.reference.channels.iter().map(Channel::id).collect();
    assert!(
        !ids.iter()
            .any(|c| c == "left_knee_flexion" || c == "right_knee_flexion"),
        "{ids:?}"
    );
    assert!(
        ids.iter().any(|c| c == "left_hip_flexion") && ids.iter().any(|c| c == "right_hip_flexion")
    );
    assert!(!t.reference.mirror_index.is_empty());
    let patient = squat([0.0, 25.0], -25.0, 99, false);
    assert!(score_recording(&t, &patient).unwrap().reps[0].mirrored);
}

/// A leg held off the floor bears no weight, and its knee's frontal-plane projection angle
/// is no valgus (a single-leg squat's free leg, a hurdle step's swing leg, a raised leg whose
/// ankle the camera folds back). Squats on the right leg, the left foot 30 cm up through the
/// middle 60 % of each repetition, demonstrated, then performed with both knees 6 cm further
/// in while the left foot is still down: the standing (right) knee is told, the lifted (left)
/// one is not (`posture::lifted_leg`; VALIDATION.md §4, "Knee valgus on the leg that bears
/// weight").
#[test]
fn no_knee_valgus_difference_is_told_on_the_leg_a_repetition_lifts() {
    use relearn_core::Vec3;
    use relearn_motion::score::score_recording;
    use relearn_motion::template::{build_template, TemplateSettings};
    let single_leg = |seed: u64, knees_in_m: f64| {
        let sim = SquatSimulation {
            reps: 3,
            noise_m: 0.002,
            frame: SimFrame::Lab,
            seed,
            ..SquatSimulation::default()
        };
        let (mut rec, truth) = simulate_squat(&sim).unwrap();
        let joint = |name: &str| rec.skeleton.joint_index(name).unwrap();
        let (ankle_l, knee_l, knee_r) = (joint("AnkleLeft"), joint("KneeLeft"), joint("KneeRight"));
        let (hip_l, hip_r) = (joint("HipLeft"), joint("HipRight"));
        for &(start, end) in &truth.reps {
            let n = end - start;
            for f in start..end {
                let share = (f - start) as f64 / n as f64;
                if (0.2..0.8).contains(&share) {
                    let a = rec.positions.get(f, ankle_l).unwrap();
                    rec.positions.set(f, ankle_l, a + Vec3::UP * 0.3);
                } else if share >= 0.05 {
                    // Both knees toward the midline while both feet are down.
                    let (hl, hr) = (
                        rec.positions.get(f, hip_l).unwrap(),
                        rec.positions.get(f, hip_r).unwrap(),
                    );
                    let to_right = (hr - hl) * (1.0 / (hr - hl).norm());
                    let (kl, kr) = (
                        rec.positions.get(f, knee_l).unwrap(),
                        rec.positions.get(f, knee_r).unwrap(),
                    );
                    rec.positions.set(f, knee_l, kl + to_right * knees_in_m);
                    rec.positions.set(f, knee_r, kr - to_right * knees_in_m);
                }
            }
        }
        prepare(rec, &PrepareSettings::default()).unwrap()
    };
    let demo: Vec<_> = (1..7).map(|s| single_leg(s, 0.0)).collect();
    let template =
        build_template("squat", &demonstration(&demo), &TemplateSettings::default()).unwrap();
    let scored = score_recording(&template, &single_leg(21, 0.06)).unwrap();
    assert_eq!(scored.reps.len(), 3);
    for r in &scored.reps {
        let told: Vec<&str> = r
            .deviations
            .iter()
            .filter(|d| {
                d.source == relearn_motion::score::DeviationSource::Template
                    && d.measure.ends_with("knee_valgus_fppa")
            })
            .map(|d| d.measure.as_str())
            .collect();
        eprintln!("projection-angle differences told: {told:?}");
        assert_eq!(told, ["right_knee_valgus_fppa"], "{:?}", r.deviations);
    }
}

/// A movement whose side shows in the posture it starts from and not in the movement itself:
/// squats with the left foot turned out (its toes 10 cm further out, planted throughout),
/// demonstrated by six people; the patient squats with the right foot turned out. Compared as
/// changes from the start, a planted foot does not move, so the two squats are alike either
/// way and the ratio of the two distances cannot tell the side; the starting posture does
/// (`compare::StartSides`), and the repetitions are compared with the mirrored
/// demonstration. Squats with both feet straight are compared as performed (VALIDATION.md
/// §4, "The side from the starting posture").
#[test]
fn a_repetition_that_starts_from_the_mirrored_stance_is_compared_mirrored() {
    use relearn_motion::score::score_recording;
    use relearn_motion::template::{build_template, TemplateSettings};
    let turned_out = |side: Option<Side>, seed: u64| {
        let sim = SquatSimulation {
            reps: 3,
            noise_m: 0.003,
            variability: 0.08,
            frame: SimFrame::Lab,
            seed,
            ..SquatSimulation::default()
        };
        let (mut rec, _) = simulate_squat(&sim).unwrap();
        if let Some(side) = side {
            let joint = |name: &str| rec.skeleton.joint_index(name).unwrap();
            let (hip_l, hip_r) = (joint("HipLeft"), joint("HipRight"));
            let (foot, outward) = match side {
                Side::Left => (joint("FootLeft"), -1.0),
                Side::Right => (joint("FootRight"), 1.0),
            };
            for f in 0..rec.frame_count() {
                let right = (rec.positions.get(f, hip_r).unwrap()
                    - rec.positions.get(f, hip_l).unwrap())
                .normalized()
                .unwrap();
                let p = rec.positions.get(f, foot).unwrap();
                rec.positions.set(f, foot, p + right * (0.1 * outward));
            }
        }
        prepare(rec, &PrepareSettings::default()).unwrap()
    };
    let demo: Vec<_> = (1..7).map(|s| turned_out(Some(Side::Left), s)).collect();
    let template =
        build_template("squat", &demonstration(&demo), &TemplateSettings::default()).unwrap();
    let mirrored = |t: &relearn_motion::template::Template,
                    p: &relearn_motion::prepare::PreparedRecording| {
        score_recording(t, p)
            .unwrap()
            .reps
            .iter()
            .map(|r| r.mirrored)
            .collect::<Vec<_>>()
    };
    assert_eq!(
        mirrored(&template, &turned_out(Some(Side::Left), 21)),
        [false; 3]
    );
    assert_eq!(
        mirrored(&template, &turned_out(Some(Side::Right), 22)),
        [true; 3]
    );
    let straight: Vec<_> = (1..7).map(|s| turned_out(None, s)).collect();
    let straight = build_template(
        "squat",
        &demonstration(&straight),
        &TemplateSettings::default(),
    )
    .unwrap();
    assert_eq!(mirrored(&straight, &turned_out(None, 23)), [false; 3]);
}
