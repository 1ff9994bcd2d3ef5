//! One scenario test per rule, run on the example scenarios shipped in `examples/programme/`.

mod common;

use common::{of_kind, on, run, EXAMPLES};
use relearn_programme::engine::{ProgrammeStatus, TaskKind};
use relearn_programme::phase::Phase;
use relearn_programme::practice::PracticeStructure;
use relearn_programme::scenario::Scenario;
use relearn_programme::DecisionKind as K;
use relearn_programme::Error;

#[test]
fn every_example_scenario_parses_and_runs() {
    for (name, text) in EXAMPLES {
        let scenario = Scenario::from_toml_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let report = relearn_programme::simulate::simulate(&scenario).unwrap();
        assert!(report.decisions().count() > 5, "{name}");
    }
}

#[test]
fn advance_needs_two_consecutive_sessions_at_80_percent_one_axis_at_a_time() {
    let r = run("smooth-progression");
    let bridge = of_kind(&r, K::Advance, Some("bridge"));
    // First advance on the second session (2025-01-09), not the first.
    assert_eq!(bridge[0].date.to_string(), "2025-01-09");
    assert!(bridge[0].rationale.contains("87.5 % and 91.67 %"));
    // Axes in the clinician's order: volume to its last step, then range.
    let axes: Vec<_> = bridge
        .iter()
        .filter_map(|d| d.change.as_ref()?.axis)
        .collect();
    use relearn_programme::exercise::ProgressionAxis::{Range, Volume};
    assert_eq!(axes, vec![Volume, Volume, Range, Range]);
    // Never two advances of one exercise on one day.
    for d in &bridge {
        assert_eq!(bridge.iter().filter(|e| e.date == d.date).count(), 1);
    }
    let first_session = on(&r, "2025-01-07");
    assert!(first_session
        .iter()
        .any(|d| d.kind == K::Hold && d.rationale.contains("2 consecutive sessions")));
}

#[test]
fn retention_probe_and_transfer_probe_drive_the_phases() {
    let r = run("smooth-progression");
    let phases = of_kind(&r, K::PhaseChange, None);
    assert_eq!(phases.len(), 2);
    assert!(phases[0].rationale.contains("retention probe 80 %"));
    assert!(phases[1].rationale.contains("transfer probe 100 % at L4"));
    assert_eq!(r.final_state.phase, Phase::Maintenance);
    // Four tapering contacts at 1, 3, 6, 12 months, performance tests at 3 and 12.
    let contacts = of_kind(&r, K::ScheduledContact, None);
    assert_eq!(contacts.len(), 4);
    assert!(contacts[1].rationale.contains("performance tests"));
    assert!(!contacts[0].rationale.contains("performance tests"));
    // Re-test PROMs at every phase change.
    let retests = r
        .tasks
        .iter()
        .filter(|t| t.kind == TaskKind::RetestOutcomes)
        .count();
    assert_eq!(retests, 2);
}

#[test]
fn outcome_measures_are_classified_against_mcid_and_mdc() {
    let r = run("smooth-progression");
    let odi = of_kind(&r, K::OutcomeChange, None)
        .into_iter()
        .find(|d| d.rationale.starts_with("ODI 18"))
        .expect("ODI follow-up");
    assert!(odi.rationale.contains("48 → 18"));
    assert!(odi.rationale.contains("important improvement"));
    assert!(odi.rationale.contains("Licensed"));
}

#[test]
fn red_pain_day_steps_back_on_the_axis_changed_last_and_amber_holds() {
    let r = run("red-day-regression");
    let red = on(&r, "2025-02-10");
    assert!(red
        .iter()
        .any(|d| d.kind == K::PainLight && d.rationale.starts_with("red")));
    let step = red
        .iter()
        .find(|d| d.kind == K::StepBack)
        .expect("step back");
    assert!(step
        .rationale
        .contains("range: 50 % of target range → 25 % of target range"));
    let amber = on(&r, "2025-02-12");
    assert!(amber
        .iter()
        .any(|d| d.kind == K::Hold && d.rationale.contains("pain amber")));
    // Not settled by the next morning is red too.
    let unsettled = on(&r, "2025-02-21");
    assert!(unsettled
        .iter()
        .any(|d| d.rationale.contains("not settled")));
    assert!(unsettled.iter().any(|d| d.kind == K::StepBack));
    // Success below 50 % with no changed axis left reduces volume.
    let volume = on(&r, "2025-02-25");
    assert!(volume.iter().any(|d| d.kind == K::ReduceVolume));
    // Quality outside limits holds even at 87 % success.
    let quality = on(&r, "2025-02-26");
    assert!(quality
        .iter()
        .any(|d| d.kind == K::Hold && d.rationale.contains("quality outside")));
    // The next advance restores the volume first.
    let restore = on(&r, "2025-03-03");
    assert!(restore
        .iter()
        .any(|d| d.kind == K::Advance && d.rationale.contains("volume 50 % → 100 %")));
}

#[test]
fn two_reds_in_a_row_start_the_flare_up_plan_and_a_clinician_review() {
    let r = run("flare-up");
    let day = on(&r, "2025-03-13");
    assert!(day.iter().any(|d| d.kind == K::ClinicianReview));
    assert!(day.iter().any(|d| d.kind == K::FlareUp));
    assert!(r.tasks.iter().any(|t| t.kind == TaskKind::PainReview));
    assert!(r.tasks.iter().any(|t| t.kind == TaskKind::ScreenRedFlags));
    // Reduced for 3 days: the session two days later holds.
    assert!(on(&r, "2025-03-15")
        .iter()
        .any(|d| d.kind == K::Hold && d.rationale.contains("reduced dose until 2025-03-16")));
    // Rebuild one step per green session, then resolved.
    assert_eq!(of_kind(&r, K::FlareUpRebuild, None).len(), 2);
    assert_eq!(of_kind(&r, K::FlareUpResolved, None).len(), 1);
}

#[test]
fn check_in_pain_rise_starts_a_flare_up_and_no_recovery_in_14_days_asks_for_review() {
    let r = run("flare-up");
    let rise = on(&r, "2025-03-29");
    let flare = rise
        .iter()
        .find(|d| d.kind == K::FlareUp)
        .expect("flare-up");
    assert!(flare
        .rationale
        .contains("NPRS 4 ≥ recent baseline 1.33 + 2 for 3 days"));
    assert!(rise.iter().any(|d| d.kind == K::StepBack));
    let review = on(&r, "2025-04-14");
    assert!(review
        .iter()
        .any(|d| d.kind == K::ClinicianReview && d.rationale.contains("within 14 days")));
    assert!(r.final_state.flare_up_active);
}

#[test]
fn emergency_stops_the_programme_until_a_clinician_clears_it() {
    let r = run("emergency-red-flag");
    let emergency = on(&r, "2025-04-09");
    let flag = emergency
        .iter()
        .find(|d| d.kind == K::RedFlag)
        .expect("red flag");
    assert!(flag.rationale.starts_with("EMERGENCY"));
    assert!(flag.rationale.contains("Seek emergency care today"));
    assert!(r.tasks.iter().any(|t| t.kind == TaskKind::EmergencyReview));
    // Sessions are blocked, a trainer cannot clear, the physiotherapist can.
    assert_eq!(of_kind(&r, K::SessionBlocked, None).len(), 2);
    assert!(on(&r, "2025-04-11")
        .iter()
        .any(|d| d.kind == K::Note && d.rationale.contains("refused")));
    let clearance = of_kind(&r, K::Clearance, None);
    assert_eq!(clearance.len(), 1);
    assert_eq!(clearance[0].by, "A. Physio");
    assert_eq!(r.final_state.status, ProgrammeStatus::Active);
    // New symptoms at a check-in ask for a screening (§3.2 rule 4).
    assert!(on(&r, "2025-04-09")
        .iter()
        .any(|d| d.kind == K::ClinicianReview && d.rationale.contains("§3.2 rule 4")));
    // Progress resumes only from fresh evidence after clearance.
    let advance = of_kind(&r, K::Advance, Some("sts"));
    assert_eq!(advance.len(), 1);
    assert_eq!(advance[0].date.to_string(), "2025-04-19");
}

#[test]
fn urgent_suspends_loading_and_blocks_progression_until_cleared() {
    let r = run("urgent-red-flag-and-override");
    let day = on(&r, "2025-05-08");
    let paused: Vec<_> = day.iter().filter(|d| d.kind == K::Pause).collect();
    assert_eq!(paused.len(), 2);
    assert!(paused.iter().any(
        |d| d.exercise.as_deref() == Some("carry") && d.rationale.contains("loading exercise")
    ));
    assert!(day.iter().all(|d| d.kind != K::Advance));
    assert!(day
        .iter()
        .any(|d| d.kind == K::PracticeStructure && d.rationale.contains("red flag is open")));
    let task = r
        .tasks
        .iter()
        .find(|t| t.kind == TaskKind::UrgentReview)
        .expect("task");
    assert_eq!(
        task.due.map(|d| d.to_string()).as_deref(),
        Some("2025-05-09")
    );
}

#[test]
fn clinician_override_is_recorded_with_who_and_why_and_undoes_the_change() {
    let r = run("urgent-red-flag-and-override");
    let overrides = of_kind(&r, K::Override, Some("carry"));
    assert_eq!(overrides.len(), 1);
    let o = overrides[0];
    assert_eq!(o.overrides, Some(25));
    assert_eq!(o.by, "A. Physio");
    assert!(o.rationale.contains("grips the rail"));
    assert!(o.rationale.contains("undid load: 4.0 kg → 4.2 kg"));
    // The original decision is still in the log, unchanged.
    let original = r.decisions().find(|d| d.seq == 25).expect("decision 25");
    assert_eq!(original.kind, K::Advance);
    // The locked load axis makes the next advance move the context axis.
    let next = of_kind(&r, K::Advance, Some("carry"));
    let last = next.last().expect("advance");
    assert!(last
        .rationale
        .contains("context: clinic corridor → home stairs"));
    let carry = &r.final_state.exercises[1].prescription;
    assert!(carry.contains("load: 4.0 kg (locked)"), "{carry}");
}

#[test]
fn spondyloarthritis_screen_raises_a_routine_note() {
    let r = run("urgent-red-flag-and-override");
    let spa = on(&r, "2025-05-22");
    assert!(spa
        .iter()
        .any(|d| d.rationale.starts_with("ROUTINE") && d.rationale.contains("rheumatology")));
    assert_eq!(r.final_state.status, ProgrammeStatus::Active);
}

#[test]
fn plateau_prompts_a_review_using_the_mdc_or_the_psfs_mcid() {
    let r = run("plateau");
    let plateaus = of_kind(&r, K::Plateau, None);
    let names: Vec<&str> = plateaus
        .iter()
        .map(|d| d.rationale.split(':').next().unwrap_or(""))
        .collect();
    assert!(names.contains(&"ODI"));
    assert!(names.contains(&"Berg"));
    assert!(names.contains(&"PSFS"));
    // Gait speed moved 0.08 m/s ≥ the 0.05 small meaningful change: no plateau.
    assert!(!names.contains(&"Gait speed"));
    assert!(
        r.tasks
            .iter()
            .filter(|t| t.kind == TaskKind::PlateauReview)
            .count()
            >= 3
    );
    let berg = plateaus
        .iter()
        .find(|d| d.rationale.starts_with("Berg"))
        .expect("Berg");
    assert!(berg.rationale.contains("MDC 4"));
}

#[test]
fn every_instrument_is_scored_with_its_licence_status() {
    let r = run("plateau");
    let baseline = on(&r, "2025-01-06");
    assert_eq!(baseline.len(), 17);
    for d in &baseline {
        assert!(d.rationale.contains("licence]"), "{}", d.rationale);
    }
    assert!(baseline
        .iter()
        .any(|d| d.rationale.starts_with("STarT Back 6") && d.rationale.contains("medium risk")));
    assert!(baseline
        .iter()
        .any(|d| d.rationale.starts_with("ODI 40") && d.rationale.contains("denominator 45")));
    assert!(baseline
        .iter()
        .any(|d| d.rationale.starts_with("30s-CST 10")
            && d.rationale.contains("below average for men aged 70-74")));
}

#[test]
fn faded_feedback_falls_from_every_trial_to_a_quarter() {
    let r = run("faded-feedback");
    let plans: Vec<_> = r
        .events
        .iter()
        .filter_map(|e| e.session.as_ref())
        .flat_map(|s| s.exercises.iter())
        .filter_map(|x| x.feedback.as_ref().map(|f| (f.given(), f.trials.len())))
        .collect();
    assert_eq!(plans[0], (23, 24));
    assert_eq!(plans[1].0, 18);
    assert_eq!(plans[2].0, 12);
    assert_eq!(plans[3].0, 6);
    assert_eq!(plans[4].0, 6);
    // Retention probe: none.
    assert_eq!(plans[5], (0, 5));
    let first = r.events[0].session.as_ref().expect("session");
    let plan = first.exercises[0].feedback.as_ref().expect("plan");
    // Internal cue allowed only in the first session when no external cue fits.
    assert!(plan
        .trials
        .iter()
        .any(|t| t.cue.as_deref() == Some("tummy")));
    let later = r.events[1].session.as_ref().expect("session");
    let later_plan = later.exercises[0].feedback.as_ref().expect("plan");
    assert!(later_plan
        .trials
        .iter()
        .all(|t| t.cue.as_deref() != Some("tummy")));
    // Every message after an estimate prompt and a 2 s delay.
    assert!(plan
        .trials
        .iter()
        .filter(|t| t.give)
        .all(|t| t.estimate_prompt.is_some() && t.delay_s == Some(2.0)));
    // Live feedback: all but the last set first, then alternating at most half.
    let live = |p: &relearn_programme::feedback::FeedbackPlan| -> Vec<bool> {
        p.sets.iter().map(|s| s.live).collect()
    };
    assert_eq!(live(plan), vec![true, true, true, false]);
    assert_eq!(live(later_plan), vec![true, false, true, false]);
}

#[test]
fn bandwidth_summary_average_and_self_controlled_schedules() {
    let r = run("feedback-schedules");
    let s0 = r.events[0].session.as_ref().expect("session");
    let given = |i: usize| -> Vec<usize> {
        s0.exercises[i]
            .feedback
            .as_ref()
            .expect("plan")
            .trials
            .iter()
            .filter(|t| t.give)
            .map(|t| t.trial)
            .collect()
    };
    // Reach, bandwidth ±10 %: only the +14 % and -18 % trials.
    assert_eq!(given(0), vec![2, 5]);
    // Step, average every 5 (fine task ±5 % irrelevant for average).
    assert_eq!(given(1), vec![5, 10]);
    // Lift, summary every 5 plus the safety-critical fault at trial 7.
    assert_eq!(given(2), vec![5, 7, 10]);
    // Self-controlled from session 3: feedback exactly when asked.
    let s2 = r.events[2].session.as_ref().expect("session");
    let reach = s2.exercises[0].feedback.as_ref().expect("plan");
    assert!(reach.self_controlled_active);
    let asked: Vec<usize> = reach
        .trials
        .iter()
        .filter(|t| t.give)
        .map(|t| t.trial)
        .collect();
    assert_eq!(asked, vec![1, 4, 7]);
}

#[test]
fn practice_structure_moves_blocked_serial_random_and_back() {
    let r = run("practice-structure");
    let moves: Vec<_> = r
        .events
        .iter()
        .filter_map(|e| e.session.as_ref().map(|s| s.next_practice_structure))
        .collect();
    use PracticeStructure::{Blocked as B, Random as R, Serial as S};
    assert_eq!(moves, vec![S, S, R, S, B, B, S]);
    // No move up on the amber day.
    assert!(on(&r, "2025-08-18")
        .iter()
        .any(|d| d.kind == K::PracticeStructure && d.rationale.contains("amber")));
    // Random order: no immediate repeats.
    let random = r.events[2].session.as_ref().expect("session");
    assert!(random.next_practice_order.windows(2).all(|w| w[0] != w[1]));
}

#[test]
fn pain_variants_return_to_sport_vas_within_24h_and_weekly_rule() {
    let r = run("return-to-sport");
    // VAS 30 mm = 3/10, within the green zone of 3.
    assert!(on(&r, "2025-09-02").iter().any(|d| d.kind == K::PainLight
        && d.rationale.starts_with("green")
        && d.rationale.contains("24-hour pain 2")));
    // Sport sessions are monitored in return-to-sport mode.
    let sport = on(&r, "2025-09-18");
    assert!(sport
        .iter()
        .any(|d| d.kind == K::PainLight && d.rationale.starts_with("red for a sport session")));
    // One rising week: amber; two: red.
    assert!(on(&r, "2025-09-23").iter().any(|d| d.kind == K::PainLight
        && d.rationale.starts_with("amber")
        && d.rationale.contains("weekly")));
    assert!(on(&r, "2025-09-30").iter().any(|d| d.kind == K::PainLight
        && d.rationale.starts_with("red")
        && d.rationale.contains("2 weeks in a row")));
    // 2-down/1-up staircase variant.
    assert!(of_kind(&r, K::Staircase, None)[0]
        .rationale
        .contains("70.71 %"));
}

#[test]
fn sport_sessions_outside_return_to_sport_mode_are_only_recorded() {
    let text = EXAMPLES
        .iter()
        .find(|(n, _)| *n == "return-to-sport")
        .map(|(_, t)| {
            t.replace(
                "return_to_sport_mode = true",
                "return_to_sport_mode = false",
            )
        })
        .expect("example");
    let scenario = Scenario::from_toml_str(&text).unwrap();
    let r = relearn_programme::simulate::simulate(&scenario).unwrap();
    assert!(on(&r, "2025-09-18")
        .iter()
        .all(|d| d.kind == K::Note && d.rationale.contains("only in return-to-sport mode")));
}

#[test]
fn bad_scenarios_name_the_location() {
    let Err(Error::ScenarioSyntax { line, .. }) = Scenario::from_toml_str("[scenario]\nname = 3\n")
    else {
        panic!("expected a syntax error");
    };
    assert_eq!(line, 2);
    let text = EXAMPLES[1].1.replace(
        "id = \"squat\", reps = 30, successes = 27",
        "id = \"lunge\", reps = 30, successes = 27",
    );
    match Scenario::from_toml_str(&text) {
        Err(Error::ScenarioInvalid { location, message }) => {
            assert!(location.starts_with("events[1].exercises[0]"), "{location}");
            assert!(message.contains("lunge"));
        }
        other => panic!("expected an invalid scenario, got {other:?}"),
    }
    let unordered = EXAMPLES[1]
        .1
        .replace("date = 2025-02-06", "date = 2025-02-01");
    assert!(matches!(
        Scenario::from_toml_str(&unordered),
        Err(Error::ScenarioInvalid { .. })
    ));
    let bad_setting = EXAMPLES[9].1.replace("ceiling = 4", "ceiling = 7");
    assert!(matches!(
        Scenario::from_toml_str(&bad_setting),
        Err(Error::InvalidSetting { .. })
    ));
}

/// Run an example with extra events appended.
#[allow(clippy::unwrap_used, clippy::expect_used)]
fn with_events(example: &str, extra: &str) -> relearn_programme::simulate::SimulationReport {
    let text = EXAMPLES
        .iter()
        .find(|(n, _)| *n == example)
        .map(|(_, t)| format!("{t}\n{extra}"))
        .expect("example");
    let scenario = Scenario::from_toml_str(&text).unwrap();
    relearn_programme::simulate::simulate(&scenario).unwrap()
}

#[test]
fn overrides_need_a_clinician_and_cannot_advance_past_an_open_red_flag() {
    // The example up to (not including) its clearance, so the URGENT flag is still open, with
    // a trainer added to the care team and two overrides of decision 6 (the carry hold).
    let example = EXAMPLES
        .iter()
        .find(|(n, _)| *n == "urgent-red-flag-and-override")
        .map(|(_, t)| *t)
        .expect("example");
    let head = example
        .split("[[events]]\ntype = \"clearance\"")
        .next()
        .unwrap_or_default()
        .replacen(
            "[programme]",
            "[[care_team]]\nname = \"B. Trainer\"\nrole = \"trainer\"\n\n[programme]",
            1,
        );
    let text = format!(
        r#"{head}
[[events]]
type = "override"
date = 2025-05-08
by = "A. Physio"
reason = "she is doing well"
decision = 6
action = "advance"

[[events]]
type = "override"
date = 2025-05-08
by = "B. Trainer"
reason = "keen to progress"
decision = 6
action = "hold"
"#
    );
    let r =
        relearn_programme::simulate::simulate(&Scenario::from_toml_str(&text).unwrap()).unwrap();
    let notes = of_kind(&r, K::Note, Some("carry"));
    assert!(notes
        .iter()
        .any(|d| d.rationale.contains("to advance refused") && d.rationale.contains("URGENT")));
    assert!(notes
        .iter()
        .any(|d| d.rationale.contains("B. Trainer refused: only a clinician")));
    assert!(of_kind(&r, K::Override, None).is_empty());
}

#[test]
fn more_than_two_flare_ups_in_three_months_ask_for_a_review() {
    // The example ends inside a check-in flare-up; one green session rebuilds it, then two
    // more red pairs each start a flare-up rebuilt by two green sessions.
    let red = "{ pre = 2, during = 7, next_morning = 2 }";
    let green = "{ pre = 1, during = 1, next_morning = 1 }";
    let mut extra = String::new();
    for (dates, pains) in [
        (vec!["2025-04-18"], vec![green]),
        (
            vec!["2025-04-20", "2025-04-21", "2025-04-25", "2025-04-26"],
            vec![red, red, green, green],
        ),
        (
            vec!["2025-05-01", "2025-05-02", "2025-05-06", "2025-05-07"],
            vec![red, red, green, green],
        ),
    ] {
        for (date, pain) in dates.into_iter().zip(pains) {
            extra.push_str(&format!(
                "[[events]]\ntype = \"session\"\ndate = {date}\npain = {pain}\nexercises = [{{ id = \"bird-dog\", reps = 24, successes = 20 }}]\n\n"
            ));
        }
    }
    let r = with_events("flare-up", &extra);
    let flare_ups = of_kind(&r, K::FlareUp, None);
    assert_eq!(flare_ups.len(), 4);
    assert_eq!(of_kind(&r, K::FlareUpResolved, None).len(), 4);
    let reviews: Vec<_> = of_kind(&r, K::ClinicianReview, None)
        .into_iter()
        .filter(|d| d.rationale.contains("flare-ups within 90 days"))
        .collect();
    assert_eq!(reviews.len(), 2);
    assert!(reviews[0].rationale.starts_with("3 flare-ups"));
}
