//! Reassessments: outcome measures (§1), goals and plateau detection.

use chrono::NaiveDate;

use super::*;

impl ProgrammeEngine {
    pub(super) fn on_reassessment(&mut self, date: NaiveDate, measures: &[MeasureInput]) {
        let person = PersonFacts {
            age_years: self.patient.age_years,
            sex: self.patient.sex,
        };
        for input in measures {
            let instrument = input.instrument();
            let name = instrument.short_name();
            let scored = match score(input, &person, &self.settings.measures) {
                Ok(s) => s,
                Err(e) => {
                    self.decide(
                        date,
                        DecisionKind::OutcomeChange,
                        None,
                        instrument.spec_section(),
                        format!("{name} not scored: {e}"),
                        None,
                        "engine",
                    );
                    continue;
                }
            };
            let series = self.reassessments.entry(instrument).or_default();
            let baseline = series.first().map(|(d, s)| (*d, s.clone()));
            series.push((date, scored.clone()));
            let mut text = format!(
                "{name} {} {}{}",
                fmt_num(scored.value),
                scored.unit,
                if scored.interpretation.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", scored.interpretation.join("; "))
                }
            );
            for sub in &scored.subscores {
                if instrument != Instrument::Psfs {
                    text.push_str(&format!(
                        "; {} {}",
                        sub.name,
                        sub.value.map_or("not scored".to_string(), fmt_num)
                    ));
                }
            }
            match &baseline {
                None => text.push_str("; baseline recorded"),
                Some((bdate, b)) => {
                    let thresholds = self.settings.measures.change_thresholds(b);
                    let change =
                        classify_change(instrument.direction(), b.value, scored.value, &thresholds);
                    text.push_str(&format!("; since baseline {bdate}: {}", change.rationale));
                    if thresholds.mcid.is_some() || thresholds.mcid_percent.is_some() {
                        self.latest_change.insert(instrument, change.class);
                    }
                    if instrument == Instrument::Psfs {
                        let before: Vec<&str> =
                            b.subscores.iter().map(|s| s.name.as_str()).collect();
                        let now: Vec<&str> =
                            scored.subscores.iter().map(|s| s.name.as_str()).collect();
                        if before != now {
                            text.push_str("; warning: follow-up must rate the same activities as the baseline (§1.2)");
                        }
                    }
                }
            }
            if instrument == Instrument::Psfs {
                for goal in &self.goals {
                    if let Some(v) = scored.subscore(&goal.activity) {
                        text.push_str(&format!(
                            "; goal \"{}\": {} of target {} ({} of the way, due {}{})",
                            goal.activity,
                            fmt_num(v),
                            fmt_num(goal.target),
                            goal.progress(v).map_or("-".to_string(), pct),
                            goal.target_date,
                            if goal.is_met(v) {
                                ", met"
                            } else if date > goal.target_date {
                                ", overdue"
                            } else {
                                ""
                            }
                        ));
                    }
                }
            }
            self.decide(
                date,
                DecisionKind::OutcomeChange,
                None,
                instrument.spec_section(),
                format!("{text} [{:?} licence]", instrument.licence()),
                None,
                "engine",
            );
            let series = self
                .reassessments
                .get(&instrument)
                .cloned()
                .unwrap_or_default();
            if let Some(plateau) =
                detect_plateau(&series, &self.settings.measures, &self.settings.plateau)
            {
                let tag = format!("plateau in {name}");
                if !self.has_open_task(TaskKind::PlateauReview, &tag) {
                    self.raise_task(
                        TaskKind::PlateauReview,
                        date,
                        None,
                        format!("{tag}: review the programme. {}", plateau.rationale),
                    );
                }
                self.decide(
                    date,
                    DecisionKind::Plateau,
                    None,
                    "plateau rule",
                    plateau.rationale,
                    None,
                    "engine",
                );
            }
        }
    }
}
