//! Fuzz target: a generic skeleton CSV that reads must also be scored against a template
//! (`relearn score`: segmentation by the template's primary axis, noise matching, alignment,
//! the verdict model, fault rules, deviations in words) and analysed with it (`relearn
//! analyze --template`), or fail with a clear error: never panic. The template is built once,
//! through `build_template` as `relearn template build` does, from the simulated squats of
//! `relearn demo` (three correct, two with a known fault).
#![no_main]
use libfuzzer_sys::fuzz_target;
use relearn_motion::prepare::{prepare, PrepareSettings};
use relearn_motion::simulate::{simulate_squat, SimFrame, SquatSimulation};
use relearn_motion::template::{build_template, Example, Label, Template, TemplateSettings};
use std::sync::OnceLock;

fn template() -> &'static Template {
    static TEMPLATE: OnceLock<Template> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let base = SquatSimulation {
            frame: SimFrame::KinectCamera,
            variability: 0.06,
            ..SquatSimulation::default()
        };
        let sims = [
            (
                SquatSimulation {
                    yaw_deg: 0.0,
                    seed: 100,
                    ..base.clone()
                },
                Label::Correct,
            ),
            (
                SquatSimulation {
                    yaw_deg: 15.0,
                    seed: 101,
                    ..base.clone()
                },
                Label::Correct,
            ),
            (
                SquatSimulation {
                    yaw_deg: -20.0,
                    seed: 102,
                    ..base.clone()
                },
                Label::Correct,
            ),
            (
                SquatSimulation {
                    valgus_deg: [16.0, 14.0],
                    seed: 200,
                    ..base.clone()
                },
                Label::Incorrect,
            ),
            (
                SquatSimulation {
                    depth_deg: 60.0,
                    trunk_lean_deg: 50.0,
                    seed: 201,
                    ..base.clone()
                },
                Label::Incorrect,
            ),
        ];
        let prepared: Vec<_> = sims
            .iter()
            .map(|(s, _)| {
                prepare(simulate_squat(s).unwrap().0, &PrepareSettings::default()).unwrap()
            })
            .collect();
        let examples: Vec<Example<'_>> = prepared
            .iter()
            .zip(&sims)
            .enumerate()
            .map(|(k, (p, (_, label)))| Example {
                prepared: p,
                label: *label,
                source: format!("sim{k}"),
            })
            .collect();
        build_template("squat", &examples, &TemplateSettings::default()).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let t = template();
    let Ok(rec) = relearn_formats::read_bytes("fuzz-input", data, Some("generic-csv")) else {
        return;
    };
    let Ok(p) = prepare(rec, &t.settings.prepare) else {
        return;
    };
    let _ = relearn_motion::score::score_recording(t, &p);
    let _ = relearn_motion::analysis::analyze(&p, Some(t), None, &t.settings.segment);
});
