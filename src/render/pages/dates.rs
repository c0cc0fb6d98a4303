//! Papers by date: `/dates/YYYY/MM/` (a month, with its days and weeks),
//! `/dates/YYYY/wNN/` (an ISO week, with its days), `/dates/YYYY/MM/DD/`
//! (a day), `/dates/undated/` (only when some paper has no date) and
//! `/dates/` (the archive of every year, month and day). None of the
//! listings is paginated.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};
use serde_json::{Map, Value, json};

use super::listing::{Page, Pager};
use crate::diagnostic::Diagnostic;
use crate::render::context::{date_display, month_name};
use crate::render::engine::{Bytes, Env, Inputs, Jobs, Render};
use crate::site::{Site, urls};

#[derive(Hash)]
struct Month<'s> {
    year: i32,
    month: u32,
    /// The month's days with their counts.
    days: Vec<(NaiveDate, usize)>,
    /// The weeks with papers that overlap the month, with their counts.
    weeks: Vec<((i32, u32), usize)>,
    list: Page<'s>,
}

#[derive(Hash)]
struct Week<'s> {
    /// ISO week-based year and week number.
    week: (i32, u32),
    /// The week's days with their counts.
    days: Vec<(NaiveDate, usize)>,
    list: Page<'s>,
}

#[derive(Hash)]
struct Day<'s> {
    date: NaiveDate,
    list: Page<'s>,
}

#[derive(Hash)]
struct Undated<'s>(Page<'s>);

#[derive(Hash)]
struct Archive {
    /// (year, month, count), oldest first.
    months: Vec<(i32, u32, usize)>,
    /// (day, count), oldest first.
    days: Vec<(NaiveDate, usize)>,
    undated: usize,
}

/// Every month's, day's and the undated listing.
pub fn listings<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let index = &inputs.site.index;
    let pager = Pager::new(inputs);
    for (&(year, month), papers) in &index.by_month {
        let days = days_of(inputs.site, year, month);
        let mut weeks: Vec<((i32, u32), usize)> = Vec::new();
        for &(d, _) in &days {
            let week = urls::iso_week(d);
            if weeks.last().is_none_or(|(w, _)| *w != week) {
                weeks.push((week, index.by_week.get(&week).map_or(0, Vec::len)));
            }
        }
        for (url, list) in pager.pages(&urls::month(year, month), papers, false) {
            let (days, weeks) = (days.clone(), weeks.clone());
            out.page(
                url,
                Month {
                    year,
                    month,
                    days,
                    weeks,
                    list,
                },
            );
        }
    }
    for (&week, papers) in &index.by_week {
        let monday = week_start(week);
        let days: Vec<(NaiveDate, usize)> = (index.by_day.range(monday..=monday + Days::new(6)))
            .map(|(&d, papers)| (d, papers.len()))
            .collect();
        for (url, list) in pager.pages(&urls::week(week.0, week.1), papers, false) {
            let days = days.clone();
            out.page(url, Week { week, days, list });
        }
    }
    for (&date, papers) in &index.by_day {
        for (url, list) in pager.pages(&urls::day(date), papers, false) {
            out.page(url, Day { date, list });
        }
    }
    if !index.undated.is_empty() {
        for (url, list) in pager.pages(urls::undated(), &index.undated, false) {
            out.page(url, Undated(list));
        }
    }
}

/// The archive.
pub fn archive<'s>(inputs: &'s Inputs<'s>, out: &mut Jobs<'s>) {
    let index = &inputs.site.index;
    let job = Archive {
        months: (index.by_month.iter())
            .map(|(&(y, m), papers)| (y, m, papers.len()))
            .collect(),
        days: (index.by_day.iter())
            .map(|(&d, papers)| (d, papers.len()))
            .collect(),
        undated: index.undated.len(),
    };
    out.page(urls::archive(), job);
}

/// The days of a month that have papers, with their counts.
fn days_of(site: &Site, year: i32, month: u32) -> Vec<(NaiveDate, usize)> {
    let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN);
    let last = first
        .checked_add_months(chrono::Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(first);
    (site.index.by_day.range(first..=last))
        .map(|(&d, papers)| (d, papers.len()))
        .collect()
}

/// The Monday of an ISO week.
fn week_start((year, week): (i32, u32)) -> NaiveDate {
    NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).unwrap_or(NaiveDate::MIN)
}

/// `{year, week, url, count, start, end, label}` of an ISO week: `label` is
/// `Nov 3 – 9, 2025`.
fn week_value(env: &Env, &((year, week), count): &((i32, u32), usize)) -> Value {
    let start = week_start((year, week));
    let end = start + Days::new(6);
    json!({
        "year": year,
        "week": week,
        "url": env.url(&urls::week(year, week)),
        "count": count,
        "start": start.to_string(),
        "end": end.to_string(),
        "label": week_label(start, end),
    })
}

/// `Nov 3 – 9, 2025`, `Oct 27 – Nov 2, 2025`, `Dec 29, 2025 – Jan 4, 2026`.
fn week_label(start: NaiveDate, end: NaiveDate) -> String {
    if start.year() != end.year() {
        format!(
            "{} – {}",
            date_display(Some(start)),
            date_display(Some(end))
        )
    } else if start.month() != end.month() {
        format!("{} – {}", start.format("%b %-d"), end.format("%b %-d, %Y"))
    } else {
        format!("{} – {}", start.format("%b %-d"), end.format("%-d, %Y"))
    }
}

/// `{day, date, date_display, url, count}`.
fn day_value(env: &Env, &(d, count): &(NaiveDate, usize)) -> Value {
    json!({
        "day": d.day(),
        "date": d.to_string(),
        "date_display": date_display(Some(d)),
        "url": env.url(&urls::day(d)),
        "count": count,
    })
}

impl Render for Month<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let (y, m) = (self.year, self.month);
        let mut own = Map::new();
        own.insert("year".into(), json!(y));
        own.insert("month".into(), json!(m));
        own.insert("month_name".into(), json!(month_name(m)));
        let days = self.days.iter().map(|d| day_value(env, d)).collect();
        own.insert("days".into(), Value::Array(days));
        let weeks = self.weeks.iter().map(|w| week_value(env, w)).collect();
        own.insert("weeks".into(), Value::Array(weeks));
        let title = format!("{} {y}", month_name(m));
        self.list
            .render(env, url, "list.html", "month", &title, own)
    }
}

impl Render for Week<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let (year, week) = self.week;
        let mut own = Map::new();
        let value = week_value(env, &(self.week, self.list.count()));
        own.insert("year".into(), json!(year));
        own.insert("week".into(), value);
        let days = self.days.iter().map(|d| day_value(env, d)).collect();
        own.insert("days".into(), Value::Array(days));
        let start = week_start(self.week);
        let title = format!(
            "Week {week}, {year}: {}",
            week_label(start, start + Days::new(6))
        );
        self.list.render(env, url, "list.html", "week", &title, own)
    }
}

impl Render for Day<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let d = self.date;
        let mut own = Map::new();
        own.insert("date".into(), json!(d.to_string()));
        let month = urls::month(d.year(), d.month());
        own.insert("month_url".into(), json!(env.url(&month)));
        let (year, week) = urls::iso_week(d);
        own.insert("week_url".into(), json!(env.url(&urls::week(year, week))));
        let title = date_display(Some(d));
        self.list.render(env, url, "list.html", "day", &title, own)
    }
}

impl Render for Undated<'_> {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        let title = "Undated papers";
        self.0
            .render(env, url, "list.html", "undated", title, Map::new())
    }
}

impl Render for Archive {
    fn render(&self, env: &Env, url: &str) -> Result<Bytes, Diagnostic> {
        // Years newest first, each with its months newest first.
        let mut years: BTreeMap<i32, (usize, Vec<Value>)> = BTreeMap::new();
        for &(y, m, count) in self.months.iter().rev() {
            let days: Vec<Value> = (self.days.iter())
                .filter(|(d, _)| d.year() == y && d.month() == m)
                .map(|d| day_value(env, d))
                .collect();
            let year = years.entry(y).or_default();
            year.0 += count;
            year.1.push(json!({
                "year": y,
                "month": m,
                "name": month_name(m),
                "url": env.url(&urls::month(y, m)),
                "count": count,
                "days": days,
            }));
        }
        let years: Vec<Value> = (years.into_iter().rev())
            .map(|(y, (count, months))| json!({"year": y, "count": count, "months": months}))
            .collect();
        let undated = (self.undated > 0)
            .then(|| json!({"url": env.url(urls::undated()), "count": self.undated}));
        let mut own = Map::new();
        own.insert("title".into(), json!("Archive"));
        own.insert("years".into(), Value::Array(years));
        own.insert("undated".into(), undated.unwrap_or(Value::Null));
        env.page("archive.html", url, own)
    }
}

#[cfg(test)]
mod tests {
    use crate::render::fixtures::*;
    use crate::render::links;

    #[test]
    fn a_month_lists_its_papers_and_days_and_the_archive_links_them() {
        let out = build(&sample(), "https://example.org/");
        let month = text(&out, "dates/2025/04/index.html");
        assert!(month.contains("April 2025"), "{month}");
        // The month lists its days and weeks with counts; its papers are
        // on the days' pages, not repeated here.
        assert!(month.contains("href=\"/dates/2025/04/28/\""), "{month}");
        assert!(month.contains("href=\"/dates/2025/w18/\""), "{month}");
        assert!(
            !month.contains("Alpha model") && !month.contains("Beta"),
            "{month}"
        );
        let days: String = (out.files.iter())
            .filter(|(p, _)| {
                p.starts_with("dates/2025/04/") && p.len() > "dates/2025/04/index.html".len()
            })
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .collect();
        assert!(days.contains("Alpha model") && days.contains("Gamma rays"));
        let day = text(&out, "dates/2025/03/02/index.html");
        assert!(day.contains("Beta method") && day.contains("href=\"/dates/2025/03/\""));
        let archive = text(&out, "dates/index.html");
        assert!(archive.contains("href=\"/dates/2025/03/\">March</a>"));
        assert!(archive.contains("href=\"/dates/undated/\""));
        assert!(text(&out, "dates/undated/index.html").contains("Delta undated"));
    }

    #[test]
    fn a_week_lists_its_papers_and_is_linked_from_its_days_and_months() {
        let site = site_of(
            vec![
                paper("mon", "Monday paper", Some((2025, 12, 29)), 0, &[]),
                paper("sun", "Sunday paper", Some((2026, 1, 4)), 0, &[]),
                paper("next", "Next week", Some((2026, 1, 5)), 0, &[]),
            ],
            vec![],
        );
        let out = build(&site, "https://example.org/");
        let week = text(&out, "dates/2026/w01/index.html");
        assert!(
            week.contains("Week 1, 2026: Dec 29, 2025 – Jan 4, 2026"),
            "{week}"
        );
        assert!(week.contains("Monday paper") && week.contains("Sunday paper"));
        assert!(!week.contains("Next week"));
        assert!(
            week.contains("href=\"/dates/2025/12/29/\""),
            "its days: {week}"
        );
        let day = text(&out, "dates/2025/12/29/index.html");
        assert!(day.contains("href=\"/dates/2026/w01/\""), "{day}");
        let december = text(&out, "dates/2025/12/index.html");
        assert!(december.contains("href=\"/dates/2026/w01/\""), "{december}");
        let january = text(&out, "dates/2026/01/index.html");
        assert!(january.contains("/dates/2026/w01/") && january.contains("/dates/2026/w02/"));
        assert_eq!(links::broken_links(&out, "/"), Vec::<String>::new());
    }

    #[test]
    fn no_undated_listing_without_undated_papers() {
        let mut site = sample();
        site.papers.retain(|p| p.date.is_some());
        let site = site_of(site.papers, site.pages);
        let out = build(&site, "https://example.org/");
        assert!(!out.files.contains_key("dates/undated/index.html"));
        assert!(!text(&out, "dates/index.html").contains("/dates/undated/"));
        assert_eq!(links::broken_links(&out, "/"), Vec::<String>::new());
    }
}
