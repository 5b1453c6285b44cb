//! The query pipeline: request → plan → search (hits + facets) → snippets → response.
//! This module only chains the stages; each lives in its own file, and the search itself
//! is the [`Backend`]'s.

pub mod batch;
pub mod period;
pub mod plan;
pub mod request;
pub mod response;
pub mod snippet;
pub mod surnames;
pub mod syntax;
pub mod top;

#[cfg(test)]
mod names_tests;
#[cfg(test)]
mod semantics_tests;

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tantivy::tokenizer::TextAnalyzer;

use crate::backend::{Backend, FacetCount, Found, Interval, Search, Selection};
use crate::error::Result;
use crate::gazetteer::CountryCode;
use plan::{Filter, FilterKind, Plan, PlannedQuery};
use request::{FacetKind, QueryRequest, WordMatch};
use response::{
    ArticleParagraph, ArticleView, FacetValue, FilterValues, Hit, PeriodCount, QueryResponse,
    SnippetData, TimelineResponse, ValueCount,
};
use snippet::PassageHighlighter;
use surnames::{Folded, Joined, Surnames, Works};

/// Every passage of the index.
const EVERYWHERE: Selection<'static> = Selection {
    plan: &Plan::All,
    filters: &[],
    without: None,
};

/// How long a long-running engine (`lede serve`, refreshed every second) keeps what it
/// works out from the whole index (the joins of surnames, the names of works) before working
/// it out again from the index as it then is: they change only with the index, and the
/// joins count every full name that has a surname alone.
const KEPT_FOR: Duration = Duration::from_secs(60);

/// Values one request names at most when counting values chosen in advance (OpenSearch
/// takes 65,536 terms in one filter).
const VALUES_PER_REQUEST: usize = 10_000;

/// The notice of a query read with any of its words because none has all of them.
const ANY_WORDS_NOTICE: &str = "no passage has all the words; showing passages with any of them";

/// An open index ready to answer queries; cheap to query many times.
pub struct QueryEngine {
    backend: Box<dyn Backend>,
    analyzer: TextAnalyzer,
    /// The surnames stored alone that join a full name, worked out when first needed.
    surnames: Kept<Surnames>,
    /// Every name the index stores as a work's somewhere, read when first needed.
    named_works: Kept<Vec<String>>,
    /// The names the index takes for works', worked out when first needed.
    works: Kept<Works>,
}

/// A value worked out from the whole index when first needed, and when it was: a
/// long-running engine works it out again once it is [`KEPT_FOR`] old.
struct Kept<T>(Mutex<Option<(Instant, Arc<T>)>>);

impl<T> Kept<T> {
    fn new() -> Kept<T> {
        Kept(Mutex::new(None))
    }

    /// The kept value, or the one `make` works out (then kept).
    fn get_or(&self, make: impl FnOnce() -> Result<T>) -> Result<Arc<T>> {
        if let Some((_, known)) = &*self.0.lock().unwrap_or_else(PoisonError::into_inner) {
            return Ok(Arc::clone(known));
        }
        let made = Arc::new(make()?);
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) =
            Some((Instant::now(), Arc::clone(&made)));
        Ok(made)
    }

    /// Forgets the value once it is too old.
    fn expire(&self) {
        let mut kept = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if kept
            .as_ref()
            .is_some_and(|(at, _)| at.elapsed() >= KEPT_FOR)
        {
            *kept = None;
        }
    }
}

impl QueryEngine {
    /// Answers queries over `backend`.
    pub fn new(backend: Box<dyn Backend>) -> Result<QueryEngine> {
        Ok(QueryEngine {
            backend,
            analyzer: crate::analyzer::en_stem(),
            surnames: Kept::new(),
            named_works: Kept::new(),
            works: Kept::new(),
        })
    }

    /// The index being searched.
    pub fn backend(&self) -> &dyn Backend {
        self.backend.as_ref()
    }

    /// Answers one request.
    pub fn query(&self, request: &QueryRequest) -> Result<QueryResponse> {
        Ok(self.answer(request)?.0)
    }

    /// Answers one request, with the plan the answer is of (relaxed to any of the words
    /// when no passage has them all).
    fn answer(&self, request: &QueryRequest) -> Result<(QueryResponse, PlannedQuery)> {
        request.check()?;
        // Facets with a filter of their own are counted without it (disjunctive), so that
        // `--country KP` still shows what the other countries would give.
        let planned = self.plan(request, request.words == WordMatch::Any)?;
        // People are counted apart when surnames alone join full names (see `surnames`).
        let surnames = if request.facets.contains(&FacetKind::Person) {
            Some(self.surnames()?).filter(|s| !s.is_empty())
        } else {
            None
        };
        let (own_filter, plain): (Vec<FacetKind>, Vec<FacetKind>) = request
            .facets
            .iter()
            .filter(|kind| !(surnames.is_some() && **kind == FacetKind::Person))
            .partition(|kind| planned.filters(FilterKind::Facet(**kind)));
        let (planned, mut found) = self.search_relaxing(request, planned, |planned| {
            self.backend.search(&page_search(request, planned, &plain))
        })?;
        let fill = self.fill(request, &planned, &found)?;
        let mut counted: BTreeMap<FacetKind, Vec<Joined>> = plain
            .iter()
            .copied()
            .zip(std::mem::take(&mut found.facets))
            .map(|(kind, counts)| (kind, counts.into_iter().map(Joined::plain).collect()))
            .collect();
        for kind in own_filter {
            let without = selection(&planned, Some(FilterKind::Facet(kind)));
            let counts = self.facet_counts(&without, kind, request.facet_limit)?;
            counted.insert(kind, counts.into_iter().map(Joined::plain).collect());
        }
        if let Some(surnames) = &surnames {
            let own = FilterKind::Facet(FacetKind::Person);
            let people = selection(&planned, planned.filters(own).then_some(own));
            let folded = self.joined_counts(&people, surnames, request.facet_limit, |limit| {
                self.facet_counts(&people, FacetKind::Person, limit)
            })?;
            counted.insert(FacetKind::Person, folded.values);
        }
        let undated_left_out = self.undated_left_out(&planned)?;
        let mut hits = found.hits;
        let total_articles = self.count_article_passages(request, &planned, &mut hits)?;
        let mut planned = planned;
        if let Some((relaxed, mut partial)) = fill {
            self.count_article_passages(request, &relaxed, &mut partial)?;
            planned.notices.push(format!(
                "{} passage{} every word; the rest of the page has some of them",
                found.total,
                if found.total == 1 { " has" } else { "s have" }
            ));
            hits.extend(partial);
        }
        self.add_context(request, &mut hits)?;
        // A TREC run needs no highlights; the snippet is then the passage's start.
        let mut highlighter = request
            .snippets
            .then(|| PassageHighlighter::new(&planned.highlight));
        for hit in &mut hits {
            add_snippet(hit, highlighter.as_mut());
        }
        self.drop_works(hits.iter_mut().map(|hit| &mut hit.persons))?;
        let filter_values = self.filter_values(&mut planned)?;
        let notices = std::mem::take(&mut planned.notices);
        let response = QueryResponse {
            query_id: None,
            took_ms: None,
            query: request.text.clone(),
            total: found.total,
            hits,
            facets: self.facet_values(request, counted),
            total_articles,
            undated_left_out,
            filter_values,
            notices,
        };
        Ok((response, planned))
    }

    /// How the passages matching `request` spread over the periods of their articles'
    /// dates (the page, facets and paging of `request` are ignored).
    pub fn timeline(&self, request: &QueryRequest, interval: Interval) -> Result<TimelineResponse> {
        let planned = self.plan(request, request.words == WordMatch::Any)?;
        let (mut planned, timeline) = self.search_relaxing(request, planned, |planned| {
            self.backend.timeline(&selection(planned, None), interval)
        })?;
        self.filter_values(&mut planned)?;
        let dated: u64 = timeline.periods.iter().map(|p| p.1).sum();
        Ok(TimelineResponse {
            query: request.text.clone(),
            interval,
            total: dated + timeline.undated,
            undated: timeline.undated,
            periods: timeline
                .periods
                .into_iter()
                .map(|(period, passages, articles)| PeriodCount {
                    period,
                    passages,
                    articles,
                })
                .collect(),
            notices: planned.notices,
        })
    }

    /// A whole article, with every paragraph and its entities; `None` when the index does
    /// not hold it.
    pub fn article(&self, article_id: &str) -> Result<Option<ArticleView>> {
        let mut paragraphs = self.backend.article(article_id)?;
        self.drop_works(paragraphs.iter_mut().map(|hit| &mut hit.persons))?;
        let Some(first) = paragraphs.first() else {
            return Ok(None);
        };
        Ok(Some(ArticleView {
            query: None,
            notices: None,
            title_highlights: None,
            article_id: first.article_id.clone(),
            title: first.title.clone(),
            heading: first.heading.clone(),
            date: first.date,
            source: first.source.clone(),
            author: first.author.clone(),
            url: first.url.clone(),
            paragraphs: paragraphs
                .into_iter()
                .map(|hit| ArticleParagraph {
                    paragraph: hit.paragraph,
                    text: hit.text,
                    countries: hit.countries,
                    persons: hit.persons,
                    orgs: hit.orgs,
                    why: hit.why,
                    matches: None,
                    partial: false,
                    highlights: None,
                })
                .collect(),
        }))
    }

    /// A whole article as [`QueryEngine::article`] gives it, with what the text query of
    /// `request` (its text and how many of the words; filters and paging are not read)
    /// matches in it: each paragraph's highlights and whether the query matches it, as
    /// `/api/query?article=ID` would list it, and the title's highlights. `None` when the
    /// index does not hold the article.
    pub fn article_matches(
        &self,
        article_id: &str,
        request: &QueryRequest,
    ) -> Result<Option<ArticleView>> {
        let mut within = QueryRequest::new(request.text.clone());
        within.words = request.words;
        within.articles = vec![article_id.to_string()];
        // A query lede refuses is refused whether or not the article exists.
        self.plan(&within, false)?;
        let Some(mut view) = self.article(article_id)? else {
            return Ok(None);
        };
        // Every paragraph the query matches, those with some of the words included.
        within.limit = view.paragraphs.len().min(request::MAX_LIMIT);
        let (response, planned) = self.answer(&within)?;
        // Relaxed because no paragraph has every word: each has only some of them.
        let relaxed = planned.any && request.words != WordMatch::Any;
        let mut hits: BTreeMap<u64, Hit> = response
            .hits
            .into_iter()
            .map(|hit| (hit.paragraph, hit))
            .collect();
        for paragraph in &mut view.paragraphs {
            let hit = hits.remove(&paragraph.paragraph);
            paragraph.matches = Some(hit.is_some());
            paragraph.partial = hit.as_ref().is_some_and(|hit| hit.partial || relaxed);
            paragraph.highlights = Some(hit.map(|hit| hit.highlights).unwrap_or_default());
        }
        let mut marker = PassageHighlighter::new(&planned.highlight);
        view.title_highlights = Some(
            view.title
                .as_deref()
                .map(|title| pairs(&marker.title.highlights(title)))
                .unwrap_or_default(),
        );
        view.query = Some(request.text.clone());
        view.notices = Some(response.notices);
        Ok(Some(view))
    }

    /// Hands every passage matching `request` (not only a page), best first, to `each`
    /// until it returns `false`; the notices say how the query was read.
    pub fn export(
        &self,
        request: &QueryRequest,
        each: &mut dyn FnMut(Hit) -> Result<bool>,
    ) -> Result<Vec<String>> {
        request.check()?;
        let planned = self.plan(request, request.words == WordMatch::Any)?;
        let (mut planned, _) = self.search_relaxing(request, planned, |planned| {
            self.backend
                .search(&Search::counting(selection(planned, None), &[], 0))
        })?;
        self.filter_values(&mut planned)?;
        self.backend
            .export(&selection(&planned, None), &mut |mut hit| {
                self.drop_works(std::iter::once(&mut hit.persons))?;
                each(hit)
            })?;
        Ok(planned.notices)
    }

    /// Drops from each of `persons` (the people of hits or paragraphs) the values that name
    /// works across the index (see `surnames`). Which names do is worked out only when a
    /// listed person is stored somewhere as a work's name, which few are: a query that
    /// shows none pays one read of the stored names.
    fn drop_works<'a>(&self, persons: impl Iterator<Item = &'a mut Vec<String>>) -> Result<()> {
        let persons: Vec<&mut Vec<String>> = persons.filter(|p| !p.is_empty()).collect();
        if persons.is_empty() {
            return Ok(());
        }
        let named = self.named_works()?;
        let stored_as_work = |person: &String| named.binary_search(person).is_ok();
        if !persons.iter().flat_map(|p| p.iter()).any(stored_as_work) {
            return Ok(());
        }
        let works = self.works()?;
        for list in persons {
            list.retain(|person| !works.contains(person));
        }
        Ok(())
    }

    /// Sees what was committed to the index since it was opened.
    pub fn refresh(&self) -> Result<()> {
        self.backend.refresh()?;
        self.surnames.expire();
        self.named_works.expire();
        self.works.expire();
        Ok(())
    }

    /// Exact passages (and with `articles`, distinct articles; else 0) of each of `values`
    /// (sorted) of `kind` over `selection`, each that occurs there; asked in chunks, so
    /// that no request names more values than a cluster takes in one filter.
    fn counts_of(
        &self,
        selection: &Selection<'_>,
        kind: FacetKind,
        values: &[String],
        articles: bool,
    ) -> Result<Vec<FacetCount>> {
        let mut counts = Vec::new();
        for chunk in values.chunks(VALUES_PER_REQUEST) {
            let mut filters: Vec<Filter> = selection.active_filters().cloned().collect();
            filters.push(Filter::Facet {
                kind,
                values: chunk.to_vec(),
            });
            let holding = Selection {
                plan: selection.plan,
                filters: &filters,
                without: None,
            };
            let kinds = [kind];
            let found = self.backend.search(&Search {
                articles,
                ..Search::counting_values(holding, &kinds, chunk)
            })?;
            counts.extend(found.facets.into_iter().next().unwrap_or_default());
        }
        Ok(counts)
    }

    /// Which surnames stored alone join which full names, worked out once per open index.
    fn surnames(&self) -> Result<Arc<Surnames>> {
        self.surnames.get_or(|| {
            let values = self.backend.facet_values(FacetKind::Person)?;
            Surnames::of(&values, (*self.works()?).clone(), |asked| {
                if let Some(counts) = self.backend.passages_of(FacetKind::Person, asked)? {
                    return Ok(counts.into_iter().collect());
                }
                let counts = self.counts_of(&EVERYWHERE, FacetKind::Person, asked, false)?;
                Ok(counts.into_iter().map(|c| (c.value, c.passages)).collect())
            })
        })
    }

    /// Every name the index stores as a work's somewhere, sorted.
    fn named_works(&self) -> Result<Arc<Vec<String>>> {
        self.named_works.get_or(|| {
            let mut named = self.backend.facet_values(FacetKind::Work)?;
            named.sort();
            Ok(named)
        })
    }

    /// The names the index takes for works' ([`surnames::works`]), worked out once per
    /// open index from the few names it stores as works' anywhere.
    fn works(&self) -> Result<Arc<Works>> {
        self.works.get_or(|| {
            let named = self.named_works()?;
            if named.is_empty() {
                return Ok(Works::default());
            }
            Ok(surnames::works(
                &self.counts_of(&EVERYWHERE, FacetKind::Work, &named, true)?,
                &self.counts_of(&EVERYWHERE, FacetKind::Person, &named, true)?,
            ))
        })
    }

    /// The first `limit` people over `selection` with each joined surname counted in its
    /// full name's row. `list` counts the people over `selection`, keeping at least the
    /// number of values it is given; the joined names are counted exactly apart, so that
    /// the list needs only as many more values as there are joined surnames among them.
    fn joined_counts(
        &self,
        selection: &Selection<'_>,
        surnames: &Surnames,
        limit: usize,
        list: impl FnOnce(usize) -> Result<Vec<FacetCount>>,
    ) -> Result<Folded> {
        if surnames.is_empty() {
            return Ok(surnames.fold(list(limit)?, &[], limit));
        }
        let members = self.counts_of(selection, FacetKind::Person, &surnames.members(), true)?;
        let alone = members
            .iter()
            .filter(|c| surnames.full_name(&c.value).is_some() || surnames.is_work(&c.value))
            .count();
        let listed = list(limit.saturating_add(alone))?;
        Ok(surnames.fold(listed, &members, limit))
    }

    /// What each typed person or organisation filter stands for, with the passages of each
    /// value in the whole index; a filter that took more or other than what was typed gets
    /// a notice listing them.
    fn filter_values(&self, planned: &mut PlannedQuery) -> Result<Vec<FilterValues>> {
        let mut described = Vec::new();
        for name in &planned.names {
            let surnames = match name.kind {
                FacetKind::Person => self.surnames()?,
                _ => Arc::new(Surnames::default()),
            };
            let taken = surnames.widen(&name.values);
            let filter = [Filter::Facet {
                kind: name.kind,
                values: taken.clone(),
            }];
            let everywhere = Selection {
                plan: &Plan::All,
                filters: &filter,
                without: None,
            };
            let counts: BTreeMap<String, u64> = self
                .facet_counts(&everywhere, name.kind, usize::MAX)?
                .into_iter()
                .filter(|count| taken.contains(&count.value))
                .map(|count| (count.value, count.passages))
                .collect();
            let mut values: Vec<ValueCount> = name
                .values
                .iter()
                .filter(|value| {
                    // A joined surname taken with its full name is counted in its row.
                    surnames
                        .full_name(value)
                        .is_none_or(|full| !name.values.iter().any(|v| v == full))
                })
                .filter_map(|value| {
                    let alone = surnames.alone(value);
                    let passages = counts.get(value).copied().unwrap_or(0)
                        + alone.and_then(|a| counts.get(a)).copied().unwrap_or(0);
                    (passages > 0 || counts.contains_key(value)).then(|| ValueCount {
                        value: value.clone(),
                        passages,
                        alone: alone
                            .filter(|a| counts.contains_key(*a))
                            .map(str::to_string),
                    })
                })
                .collect();
            values.sort_by(|a, b| b.passages.cmp(&a.passages).then(a.value.cmp(&b.value)));
            if !name.is_exact() {
                planned.notices.push(name_notice(name, &values));
            }
            described.push(FilterValues {
                filter: name.kind,
                typed: name.typed.clone(),
                values,
            });
        }
        Ok(described)
    }

    /// In the default mode, when the passages with every word do not fill the page: the
    /// passages with some of the words, best first, after them (marked partial), with the
    /// plan they match. Ranked by score, not by how many of the words they have: on CACM
    /// that order gave nDCG@10 0.365 against 0.532 by score.
    fn fill(
        &self,
        request: &QueryRequest,
        strict: &PlannedQuery,
        found: &Found,
    ) -> Result<Option<(PlannedQuery, Vec<Hit>)>> {
        let page_full = found.hits.len() >= request.limit;
        let relaxed_already = strict.any;
        if request.words != WordMatch::Default
            || relaxed_already
            || !strict.relaxable
            || found.total == 0
            || page_full
        {
            return Ok(None);
        }
        let mut relaxed = self.plan(request, true)?;
        if request.offset == 0 && !request.per_article {
            let partial = self.fill_first_page(request, &relaxed, found)?;
            return Ok(Some((relaxed, partial)));
        }
        // Passages with every word, or (by article) articles already listed, are not
        // listed again.
        let shown = self.strict_count_and_articles(request, strict, found.total)?;
        relaxed.plan = Plan::Bool(vec![
            (plan::Occur::Must, relaxed.plan),
            (plan::Occur::MustNot, strict.plan.clone()),
        ]);
        if let Some(articles) = &shown.1 {
            relaxed
                .filters
                .push(Filter::ExceptArticles(articles.clone()));
        }
        let mut search = page_search(request, &relaxed, &[]);
        search.offset = request.offset.saturating_sub(shown.0);
        search.limit = request.limit - found.hits.len();
        let mut partial = self.backend.search(&search)?.hits;
        for hit in &mut partial {
            hit.partial = true;
        }
        Ok(Some((relaxed, partial)))
    }

    /// The fill of a first page of passages. Every passage with all the words is on the
    /// page already (it is not full), so the best passages with some of the words, those
    /// left out, are the rest of the page in the order an exclusion of the strict query
    /// would give, without that exclusion (a second strict query, its phrases included,
    /// for every match) or an exact total, which the fill does not show.
    fn fill_first_page(
        &self,
        request: &QueryRequest,
        relaxed: &PlannedQuery,
        found: &Found,
    ) -> Result<Vec<Hit>> {
        let shown: HashSet<(&str, u64)> = found
            .hits
            .iter()
            .map(|hit| (hit.article_id.as_str(), hit.paragraph))
            .collect();
        let search = Search {
            total: false,
            ..page_search(request, relaxed, &[])
        };
        let mut partial: Vec<Hit> = self
            .backend
            .search(&search)?
            .hits
            .into_iter()
            .filter(|hit| !shown.contains(&(hit.article_id.as_str(), hit.paragraph)))
            .collect();
        partial.truncate(request.limit - found.hits.len());
        for hit in &mut partial {
            hit.partial = true;
        }
        Ok(partial)
    }

    /// How many entries the strict list has (passages, or articles with --per-article),
    /// and with --per-article their ids: called only when the list ends on this page.
    /// `passages` is the strict search's exact total, which is the count without
    /// --per-article.
    fn strict_count_and_articles(
        &self,
        request: &QueryRequest,
        strict: &PlannedQuery,
        passages: u64,
    ) -> Result<(usize, Option<Vec<String>>)> {
        if !request.per_article {
            return Ok((passages as usize, None));
        }
        let whole = selection(strict, None);
        let articles = self.backend.article_passages(&whole, &[])?.distinct as usize;
        // A cluster's count of distinct articles may be an estimate: ask for a few more.
        let listed = self.backend.search(&Search {
            selection: whole,
            offset: 0,
            limit: articles + articles / 100 + 10,
            per_article: true,
            facets: &[],
            facet_limit: 0,
            only_values: None,
            articles: true,
            explain: false,
            total: false,
        })?;
        let ids: Vec<String> = listed.hits.into_iter().map(|hit| hit.article_id).collect();
        Ok((ids.len(), Some(ids)))
    }

    /// Plans `request`, with OR semantics between words when `any`.
    fn plan(&self, request: &QueryRequest, any: bool) -> Result<PlannedQuery> {
        // A typed name never matches a work's name: "Harry Potter" is no person.
        let facet_values = |kind| match kind {
            FacetKind::Person => {
                let works = self.works()?;
                let mut values = self.backend.facet_values(kind)?;
                values.retain(|value| !works.contains(value));
                Ok(values)
            }
            _ => self.backend.facet_values(kind),
        };
        let context = plan::Context {
            analyzer: &self.analyzer,
            facet_values: &facet_values,
        };
        let mut planned = plan::plan(request, &context, any)?;
        if !request.persons.is_empty() {
            // A full name takes the passages that name the person by the surname alone.
            let surnames = self.surnames()?;
            for filter in &mut planned.filters {
                if let Filter::Facet {
                    kind: FacetKind::Person,
                    values,
                } = filter
                {
                    *values = surnames.widen(values);
                }
            }
        }
        Ok(planned)
    }

    /// Runs `run` on the plan; when nothing has all the words of a query that has several,
    /// runs it again with any of the words, and says so.
    fn search_relaxing<T: Matched>(
        &self,
        request: &QueryRequest,
        planned: PlannedQuery,
        run: impl Fn(&PlannedQuery) -> Result<T>,
    ) -> Result<(PlannedQuery, T)> {
        let found = run(&planned)?;
        if found.matched() > 0 || request.words != WordMatch::Default || !planned.relaxable {
            return Ok((planned, found));
        }
        let mut relaxed = self.plan(request, true)?;
        let relaxed_found = run(&relaxed)?;
        if relaxed_found.matched() == 0 {
            return Ok((planned, found));
        }
        relaxed.notices = planned.notices;
        relaxed.notices.push(ANY_WORDS_NOTICE.into());
        Ok((relaxed, relaxed_found))
    }

    /// Counts of one facet over a selection.
    fn facet_counts(
        &self,
        selection: &Selection<'_>,
        kind: FacetKind,
        limit: usize,
    ) -> Result<Vec<FacetCount>> {
        let found = self
            .backend
            .search(&Search::counting(*selection, &[kind], limit))?;
        Ok(found.facets.into_iter().next().unwrap_or_default())
    }

    /// With a date filter: the passages it left out because their article has no date.
    fn undated_left_out(&self, planned: &PlannedQuery) -> Result<Option<u64>> {
        if !planned.filters(FilterKind::Date) {
            return Ok(None);
        }
        let mut filters: Vec<Filter> = planned
            .filters
            .iter()
            .filter(|f| f.kind() != FilterKind::Date)
            .cloned()
            .collect();
        filters.push(Filter::Undated);
        let undated = Selection {
            plan: &planned.plan,
            filters: &filters,
            without: None,
        };
        let found = self.backend.search(&Search::counting(undated, &[], 0))?;
        Ok(Some(found.total))
    }

    /// With --per-article: each hit's matching passages, and the distinct articles.
    fn count_article_passages(
        &self,
        request: &QueryRequest,
        planned: &PlannedQuery,
        hits: &mut [Hit],
    ) -> Result<Option<u64>> {
        if !request.per_article {
            return Ok(None);
        }
        let ids: Vec<&str> = hits.iter().map(|h| h.article_id.as_str()).collect();
        let counts = self
            .backend
            .article_passages(&selection(planned, None), &ids)?;
        for (hit, count) in hits.iter_mut().zip(counts.of) {
            hit.article_passages = Some(count.max(1));
        }
        Ok(Some(counts.distinct))
    }

    /// With -C N: the paragraphs around each hit.
    fn add_context(&self, request: &QueryRequest, hits: &mut [Hit]) -> Result<()> {
        if request.context == 0 {
            return Ok(());
        }
        for hit in hits {
            hit.context = self
                .backend
                .context(&hit.article_id, hit.paragraph, request.context)?;
        }
        Ok(())
    }

    /// The counted facets as the response lists them: the first values, labelled.
    fn facet_values(
        &self,
        request: &QueryRequest,
        mut counted: BTreeMap<FacetKind, Vec<Joined>>,
    ) -> BTreeMap<FacetKind, Vec<FacetValue>> {
        request
            .facets
            .iter()
            .map(|kind| {
                let values = counted
                    .remove(kind)
                    .unwrap_or_default()
                    .into_iter()
                    .take(request.facet_limit)
                    .map(|count| self.labelled(*kind, count))
                    .collect();
                (*kind, values)
            })
            .collect()
    }

    /// A counted value with what to show for it: country names for codes.
    fn labelled(&self, kind: FacetKind, joined: Joined) -> FacetValue {
        let Joined { count, alone } = joined;
        let label = match kind {
            FacetKind::Country => CountryCode::parse(&count.value)
                .map(CountryCode::name)
                .unwrap_or_else(|| count.value.clone()),
            FacetKind::Person | FacetKind::Org | FacetKind::Work => count.value.clone(),
        };
        FacetValue {
            label,
            value: count.value,
            passages: count.passages,
            articles: count.articles,
            alone,
        }
    }
}

/// Values of a typed name listed in its notice; the rest are counted.
const NAMES_LISTED: usize = 10;

/// `--person "blair" is any of Tony Blair (387 passages), Cherie Blair (20), Blair (15)`.
fn name_notice(name: &plan::NameMatch, values: &[ValueCount]) -> String {
    let mut listed: Vec<String> = values
        .iter()
        .take(NAMES_LISTED)
        .enumerate()
        .map(|(i, v)| {
            let unit = match (i, v.passages) {
                (0, 1) => " passage",
                (0, _) => " passages",
                _ => "",
            };
            match &v.alone {
                Some(alone) => format!("{} ({}{unit}, with {alone:?} alone)", v.value, v.passages),
                None => format!("{} ({}{unit})", v.value, v.passages),
            }
        })
        .collect();
    if values.len() > NAMES_LISTED {
        listed.push(format!("and {} more", values.len() - NAMES_LISTED));
    }
    let flag = match name.kind {
        FacetKind::Org => "--org",
        _ => "--person",
    };
    format!("{flag} {:?} is any of {}", name.typed, listed.join(", "))
}

/// The search for the page `request` asks of `planned`, with the `facets` counted.
fn page_search<'a>(
    request: &QueryRequest,
    planned: &'a PlannedQuery,
    facets: &'a [FacetKind],
) -> Search<'a> {
    Search {
        selection: selection(planned, None),
        offset: request.offset,
        limit: request.limit,
        per_article: request.per_article,
        facets,
        facet_limit: request.facet_limit,
        only_values: None,
        articles: true,
        explain: request.explain,
        total: true,
    }
}

/// The selection of a planned query, one kind of filter possibly left out.
fn selection(planned: &PlannedQuery, without: Option<FilterKind>) -> Selection<'_> {
    Selection {
        plan: &planned.plan,
        filters: &planned.filters,
        without,
    }
}

/// What a search matched, to decide whether to relax it.
trait Matched {
    fn matched(&self) -> u64;
}

impl Matched for Found {
    fn matched(&self) -> u64 {
        self.total
    }
}

/// Highlights a hit's paragraph and title and cuts its snippet.
fn add_snippet(hit: &mut Hit, highlighter: Option<&mut PassageHighlighter>) {
    let (highlights, title_highlights) = match highlighter {
        Some(h) => (
            h.body.highlights(&hit.text),
            hit.title
                .as_deref()
                .map(|title| h.title.highlights(title))
                .unwrap_or_default(),
        ),
        None => Default::default(),
    };
    let snippet = snippet::snippet(&hit.text, &highlights);
    hit.snippet = SnippetData {
        start: snippet.fragments.first().map_or(0, |f| f.0),
        fragments: pairs(&snippet.fragments),
        highlights: pairs(&snippet.highlights),
        text: snippet.text,
    };
    hit.highlights = pairs(&highlights);
    hit.title_highlights = pairs(&title_highlights);
}

/// Byte ranges as the JSON pairs `[start, end]`.
fn pairs(ranges: &[(usize, usize)]) -> Vec<[usize; 2]> {
    ranges.iter().map(|&(s, e)| [s, e]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::local::{LocalReader, LocalWriter, DEFAULT_MEMORY_BUDGET};
    use crate::ingest::{ingest, IngestOptions};
    use crate::source::PathNames;

    /// Three articles: two about North Korea (one with two matching paragraphs), one not.
    fn engine() -> (tempfile::TempDir, QueryEngine) {
        let dir = tempfile::tempdir().unwrap();
        let corpus = dir.path().join("corpus");
        std::fs::create_dir_all(&corpus).unwrap();
        let articles = [
            (
                "a.txt",
                "Pyongyang tested a missile.\n\nThe missile flew over Japan.\n\nNothing else.",
            ),
            ("b.txt", "A North Korean missile test worried Seoul."),
            ("c.txt", "Brazil launched a missile satellite program."),
        ];
        for (name, body) in articles {
            std::fs::write(corpus.join(name), body).unwrap();
        }
        let index = dir.path().join("idx");
        let writer = LocalWriter::open(&index, DEFAULT_MEMORY_BUDGET, 1).unwrap();
        let options = IngestOptions::new(vec![corpus], PathNames::new(dir.path()));
        ingest(writer, &options, &mut crate::ingest::Strict).unwrap();
        let backend = LocalReader::open(&index).unwrap();
        (dir, QueryEngine::new(Box::new(backend)).unwrap())
    }

    fn facet<'a>(response: &'a QueryResponse, value: &str) -> Option<&'a FacetValue> {
        response.facets[&FacetKind::Country]
            .iter()
            .find(|v| v.value == value)
    }

    #[test]
    fn facets_count_passages_and_distinct_articles_over_all_matches() {
        let (_dir, engine) = engine();
        let mut request = QueryRequest::new("missile");
        request.limit = 1;
        request.facets = vec![FacetKind::Country];
        let response = engine.query(&request).unwrap();
        assert_eq!(response.total, 4);
        assert_eq!(response.hits.len(), 1);
        let kp = facet(&response, "KP").unwrap();
        assert_eq!(
            (kp.passages, kp.articles, kp.label.as_str()),
            (2, 2, "North Korea")
        );
        let br = facet(&response, "BR").unwrap();
        assert_eq!((br.passages, br.articles), (1, 1));
    }

    #[test]
    fn country_filters_restrict_hits_and_facets() {
        let (_dir, engine) = engine();
        let mut request = QueryRequest::new("missile");
        request.countries = vec!["north korea".into()];
        request.facets = vec![FacetKind::Country];
        let response = engine.query(&request).unwrap();
        assert_eq!(response.total, 2);
        assert!(response
            .hits
            .iter()
            .all(|h| h.countries.contains(&CountryCode::parse("KP").unwrap())));
        // The country facet stays disjunctive: it shows what other countries would give.
        assert_eq!(facet(&response, "BR").map(|v| v.passages), Some(1));
        // Filtering does not change scores.
        let unfiltered = engine.query(&QueryRequest::new("missile")).unwrap();
        for hit in &response.hits {
            let same = unfiltered
                .hits
                .iter()
                .find(|h| h.article_id == hit.article_id && h.paragraph == hit.paragraph);
            assert_eq!(same.map(|h| h.score), Some(hit.score));
        }
    }

    #[test]
    fn hits_carry_highlights_that_slice_to_the_matched_words() {
        let (_dir, engine) = engine();
        let response = engine.query(&QueryRequest::new("missiles")).unwrap();
        for hit in &response.hits {
            assert!(!hit.highlights.is_empty());
            for [s, e] in &hit.highlights {
                assert_eq!(hit.text[*s..*e].to_lowercase(), "missile");
            }
        }
    }

    #[test]
    fn a_name_notice_counts_one_passage_in_the_singular() {
        let name = plan::NameMatch {
            kind: FacetKind::Person,
            typed: "blair".into(),
            values: vec!["Blair".into(), "Tony Blair".into()],
        };
        let count = |value: &str, passages| ValueCount {
            value: value.into(),
            passages,
            alone: None,
        };
        assert_eq!(
            name_notice(&name, &[count("Blair", 1), count("Tony Blair", 1)]),
            "--person \"blair\" is any of Blair (1 passage), Tony Blair (1)"
        );
        assert_eq!(
            name_notice(&name, &[count("Tony Blair", 2), count("Blair", 1)]),
            "--person \"blair\" is any of Tony Blair (2 passages), Blair (1)"
        );
    }

    /// Query text a user might type, with every operator of the syntax mixed in.
    fn query_text() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::string::string_regex(
            "((missile|Pyongyang|north|korea|the|a|-|\\+|\"|\\(|\\)|OR|AND|title:|body:|\\*|~|~2|\\^|:|\\\\|é|日本|\u{1b}|[a-z]{1,5}|[^a-z]{1,3}) ?){0,12}",
        )
        .unwrap()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 200, ..Default::default() })]

        #[test]
        fn any_query_text_is_answered_or_refused_cleanly(
            text in proptest::prop_oneof![query_text(), ".{0,60}"],
            any in proptest::bool::ANY,
            per_article in proptest::bool::ANY,
        ) {
            let engine = ENGINE.with(|e| e.clone());
            let mut request = QueryRequest::new(text.as_str());
            request.words = if any { WordMatch::Any } else { WordMatch::Default };
            request.per_article = per_article;
            request.facets = vec![FacetKind::Country];
            // An error is allowed (bad filters); a panic is not. Highlights slice the text.
            if let Ok(response) = engine.1.query(&request) {
                for hit in &response.hits {
                    for [s, e] in &hit.highlights {
                        proptest::prop_assert!(hit.text.get(*s..*e).is_some());
                    }
                }
            }
        }
    }

    thread_local! {
        /// One index per test thread: building it per case would dominate the run.
        static ENGINE: std::rc::Rc<(tempfile::TempDir, QueryEngine)> = std::rc::Rc::new(engine());
    }
}
