#!/usr/bin/env python3
"""Renders BENCHMARKS.md from the results file that scripts/bench-all.sh collects.

    scripts/render-benchmarks.py RESULTS.tsv > BENCHMARKS.md

The results file has one tab-separated record per line (written by the bench scripts through
scripts/bench-lib.sh, and by bench-all.sh for the meta records):
    meta    KEY TEXT              command, started, finished, machine, software, commit, scripts
    result  AREA FIGURE OURS UNIT REFERENCE REFERENCE_LABEL REFERENCE_KIND RATIO TARGET MET
    note    AREA TEXT             how this run went
    warn    AREA TEXT             why this run's figures should not be trusted
The explanations of each area (how it is measured, what earlier analyses found) live below in
AREAS, so that a new run keeps them.
"""
import re
import sys

AREAS = [
    ("tls", "TLS", "TLS", "`scripts/bench-tls.sh`", [
        "Our release server (Hummingbird 2 plus our OpenSSL TLS handler, 2 event loops) against nginx "
        "(`worker_processes 2`) on the same OpenSSL. Both answer `GET /healthz` with the same 15-byte body, "
        "with the same dev ECDSA P-256 certificate and the same protocols, ciphers and groups, and neither "
        "writes an access log (nginx `access_log off`, ours `--log-level warning`). Each also runs as "
        "plain HTTP (ours with the hidden `--benchmark-plain-http` flag) for the TLS cost ratio "
        "(keep-alive HTTPS req/s ÷ plain req/s; target: ours ≥ nginx's, so a ratio column ≥ 1).",
        "The load generator (wrk, or `openssl s_time`) shares the cores with the server. The script waits for "
        "idle CPUs before each run and repeats a run while other processes use 5% or more of them. Because the "
        "client's share differs per run, it also divides each rate by the cores the server itself kept busy "
        "(\"per second of server CPU\" below).",
        "**wrk resumes TLS sessions**: it reuses its `SSL` object with `SSL_clear`, so after the first "
        "connections every `Connection: close` connection is a TLS 1.3 PSK resumption, for both servers "
        "(confirmed with nginx's `$ssl_session_reused` and by the absence of Certificate records). The "
        "issue's figure, full handshakes with a new connection per request, is therefore measured with parallel "
        "`openssl s_time -new -www /healthz`: no resumption, one HTTP/1.0 request per connection, read until the "
        "server closes (possible since 2026-11-30, when HTTP/1.0 without keep-alive started closing; before, "
        "the handshake was measured alone). The resumed wrk figure is kept for information: there our "
        "per-connection cost in Hummingbird and NIO (also visible in the plain new-connection row) dominates.",
        "Run-to-run noise is large for our server: two clean runs of the same binary on 2026-11-24 gave TLS "
        "cost ratios of 0.60 and 0.83 (nginx 0.73 and 0.75) and full-handshake ratios of 0.88 and 0.94; on "
        "2026-11-30 single 6 s full-handshake runs of one binary gave 1,205 to 1,587/s. So the full-handshake "
        "figure is measured in `FULL_ROUNDS` (3) alternating rounds, ours then nginx, and the table gives each "
        "server's median round (every round is listed below). Likewise the four keep-alive runs behind the TLS "
        "cost ratio run in `KEEPALIVE_ROUNDS` (3) rounds and each rate is its median round (since 2026-11-30; "
        "before, one run each, and nginx's keep-alive HTTPS alone ranged from 75,000 to 110,000 req/s between "
        "runs, its cost ratio from 0.52 to 0.82). Per second of server CPU (below) our TLS costs less than "
        "nginx's relative to plain HTTP (0.82 against 0.70 in one run); in requests per second the two ratios "
        "depend on how much of the two cores wrk takes from each server, so judge the target over several runs.",
        "Where the time goes (perf and strace, 2026-11-30): until then every response left as two TLS records "
        "in two `write` calls (head, then body), each waking the client, because Hummingbird writes a body "
        "given as a closure (every OpenAPI response, and every response once `MetricsMiddleware` adds its "
        "post-write closure) part by part, each part flushed. `BufferedResponseMiddleware` now runs such bodies "
        "of known length before the write and the TLS handler joins one flush's writes into one record: "
        "keep-alive HTTPS went from about 27,000 to 36,000 req/s. In a full handshake, OpenSSL's "
        "`SSL_do_handshake` is about 38% of our server's samples and socket writes 11%; the rest is NIO and "
        "Hummingbird per connection (about 16% on the cooperative threads, plus about 10 futex and 8 eventfd "
        "wake-ups as the connection passes between the accepting event loop, its own event loop and the "
        "cooperative pool). Our server spends about twice nginx's CPU per connection (0.5 against 0.26 ms); "
        "because `openssl s_time` needs about 0.9 ms of client CPU per connection on the same two cores, that "
        "showed as about 0.75x nginx's rate (before the session-ticket changes below; after them two runs gave "
        "0.78 and 0.82, single rounds 0.78 to 0.90). Tried without gain: running each connection's task on its event "
        "loop (a task executor preference: fewer wake-ups, same CPU), one event loop, no session cache. "
        "Tried and not kept (2026-11-30): without `SSL_MODE_RELEASE_BUFFERS` a keep-alive HTTPS request cost "
        "5-7% less server CPU (full handshakes the same), but every idle connection would then hold OpenSSL's "
        "read and write buffers, about 34 KB, so a server at its 16,384-connection cap could hold over 500 MB "
        "for nothing; nginx sets the mode too. Kept (2026-11-30, later; `scripts/ab-tls.sh BEFORE AFTER` "
        "compares binaries by server CPU per connection and per request): one TLS 1.3 session ticket per full "
        "handshake instead of OpenSSL's default two, which nginx keeps (a client resuming one connection at a "
        "time needs one; about 4% less server CPU per full handshake, 0.51 → 0.49 ms in A/B rounds), sent "
        "with the first response instead of after the handshake (one socket write less per connection; "
        "about 7% less, e.g. 0.585 → 0.516 ms), and a "
        "flush's writes swapped with a spare queue, joined in a reused buffer and sent with the writers' own "
        "promise instead of copied arrays and a new promise per write (keep-alive HTTPS about 3% less server "
        "CPU per request). Measured the same way, keep-alive HTTPS costs our server about 32 µs of CPU per "
        "request and plain HTTP about 27 µs (OpenSSL itself about 4% of the HTTPS samples), a CPU cost "
        "ratio of about 0.85 where nginx's is about 0.7.",
    ]),
    ("events", "Event intake (storage)", "Event intake", "`scripts/bench-events.sh`", [
        "Seeded over the API (Python `requests`, one keep-alive session per user): one employer with 20 active "
        "programs (8 `consecutive-days`, 6 `total-events`, 6 `event-reported`; 9 repeatable) and `USERS` users "
        "(8 by default) with 7,300 events each in date order: 10 a day on 730 dates over about 782 days, about "
        "one date in 15 missing, types mood/sleep/symptom. The server runs with `--grace-window-days 800`, so "
        "the whole history is evaluated and earns its achievements.",
        "Load: `POST /v1/events` over HTTPS keep-alive with `Benchmarks/events.lua`, a new `event_id` on every "
        "request, users round-robin.",
        "Reference: `Benchmarks/raw-sqlite-insert.c`, single-row `BEGIN IMMEDIATE; INSERT; COMMIT` "
        "transactions into a WAL file with `synchronous=NORMAL` (the server's pragmas), one connection, in the "
        "same temp directory: what the storage itself commits per second.",
        "Reading the latency target: with 16 requests always in flight, mean latency = 16 ÷ throughput "
        "(Little's law), so p99 ≤ 2.5 ms at -c16 needs more than 6,400 events/s, about 0.15 ms of writer time "
        "per event at most.",
        "Where the time goes (perf, 2026-11-30): intakes are group-committed (`GroupCommit`: the events that "
        "arrive during a transaction share the next one, each in a savepoint), which cut the server's CPU per "
        "event by a fifth; the evaluation speed-ups below then raised throughput by half. Later the same day, "
        "repeatable count programs stopped reading every period they hold (a ninth of the samples), and the "
        "writer started each batch from its own queue the moment the previous one committed "
        "(`GroupCommit.Pace.backToBack`; before, the next batch waited for a task on the busy cooperative pool): "
        "about 2,550 to 3,050 events/s with 4 users. SQLite's automatic WAL checkpoint, which copies 1,000 "
        "pages and syncs the file inside the commit that crosses them, is now mostly done ahead of it by a "
        "background PASSIVE checkpoint (`WALCheckpointer`): p99 on one connection went from about 4.3 to "
        "2.6 ms. A per-thread perf count then showed the writer busy only "
        "about 40% of the time: the rest of each request (TLS, HTTP, the generated JSON coding, the API-key "
        "check, about 0.35 ms of CPU on the two cooperative threads) is now where a request waits; sending each "
        "response as one TLS record and one write (see TLS above) took about 2,800 to about 3,000 events/s. "
        "That left the writer busy nearly all the time, and perf with DWARF stacks (SQLite has no frame "
        "pointers) showed where: an aggregate over every held achievement of each repeatable count program "
        "(now one row of `achievementTally`, kept by triggers), reading and decoding the employer's 20 "
        "program rows for every event (now `ActiveProgramCache`, checked against a change stamp that "
        "triggers keep in `programGeneration`), `awardedPeriods` reading every period a user held in a "
        "program (now the key range asked about), and GRDB's `Encodable` record inserts (now cached "
        "statements): about 4,700 to 4,800 events/s, server CPU per event 0.52 → 0.33 ms. The writer "
        "then spent about 0.2 ms per event, run walks over `activityDay` a fifth of it. On 2026-11-30 "
        "(later) run walks moved to 64-date bit blocks (`activityMask`, see Evaluation below), once-programs "
        "and count holdings came from one read of the user's tally per event, and the writer's automatic "
        "WAL checkpoint waits for 10,000 pages instead of 1,000 (a tenth as many syncs inside a commit; "
        "p99 on one connection about 2.9 → 1.5 ms, at -c16 about 7.5 → 6.8 ms in A/B runs): about "
        "5,500 to 5,900 events/s, server CPU per event about 0.27 ms, the writer about 0.14 ms of it "
        "and busy about 70% of the time. The rest of a request (TLS, HTTP, the generated JSON coding, "
        "the API-key read on a fresh WAL snapshot) is about 0.15 ms on the cooperative and event-loop "
        "threads. The 0.5× raw-insert target (about 23,000 events/s) is more than half of what this "
        "machine serves for `GET /healthz` over the same connections (about 35,000 to 38,000 req/s, "
        "below), and the 2.5 ms p99 at -c16 needs more than 6,400 events/s with little spread, so both "
        "stay out of reach for a design that evaluates on the writer inside the event's transaction and "
        "answers through the generated API, as DESIGN §4 and §7 require.",
    ]),
    ("evaluation", "Evaluation (synchronous, in process)", "Evaluation", "`scripts/bench-events.sh` (`evaluation-bench`)", [
        "`evaluation-bench` (`Benchmarks/EvaluationBench`) times `EventIntake.ingest` (insert, evaluation of the "
        "20 programs above, commit: one transaction) in process on a real SQLite file with the server's pragmas, "
        "for users with 100, 1,000 and 7,300 events of history seeded the same way, plus users with one unbroken "
        "730-day run (the worst case for `consecutive-days`) and users without an employer (insert only). Timed "
        "events are interleaved over the groups. \"Evaluation per event\" is the median ingest minus the median "
        "insert-only ingest. SQL statements are counted with GRDB's trace.",
        "References: an event whose evaluation passes the 250 ms budget is answered 202 and left to a job; "
        "DESIGN §4 expects evaluation well under a millisecond at 7,300 events; \"does not grow\" is read as "
        "≤ 1.2× from 100 to 7,300 events.",
        "History: commit 7357e02 (one query for a program's awarded periods, cached statements) cut the "
        "statements per ingest at 7,300 events from 129 to 24; running totals (v7) removed the SUM over every "
        "stored day. On 2026-11-30 the growth left (x1.43) came from run walks reading fixed 62-day chunks "
        "(now 8 days doubling to 64) through an index that sent every row back to the table (now covering, "
        "v8), and from fetching every period a program ever awarded (now only the periods just completed). "
        "The same day, dates stopped going through `String(format:)` and rules are decoded once per stored "
        "parameter text (about a quarter off every ingest), once-programs the user already earned are "
        "skipped, and repeatable count rules no longer ask about every period they ever completed (a "
        "10-event program at 7,300 events asked about 730 on each event). What still differs between 100 "
        "and 7,300 events of history is work that follows the length of the current runs, not the size of "
        "the history. Later that day run walks stopped reading a row per date (and type and value): "
        "`activityMask` (migration v13, kept by triggers on `activityDay`) holds each series' dates as "
        "the bits of 64-date blocks, and a walk reads the blocks around the date, then more in doubling "
        "steps while the run reaches the edge (median ingest at 7,300 events about 250 → 190 µs, one "
        "unbroken 730-day run about 1,300 → 390 µs), and once-programs already earned and count holdings "
        "come from one read of the user's `achievementTally` rows per event (about 7-10% off every ingest).",
    ]),
    ("oauth", "OAuth", "OAuth", "`scripts/bench-oauth.sh`", [
        "wrk -t2 over HTTPS keep-alive with `Benchmarks/oauth-request.lua`: client-credentials tokens "
        "(`POST /oauth/token`, `client_secret_basic`), introspections of a live access token "
        "(`POST /oauth/introspect`), and bearer-checked resource calls (`GET /v1/achievements`: signature, "
        "claims, uncached revocation checks against SQLite, audit row).",
        "Reference: Ory Hydra's **published** figures (2 CPUs, in-memory store), **not measured here**: "
        "513 tokens/s and 5,109 introspections/s. Targets: 10× and 2× those (5,130/s and 10,218/s).",
        "First reading (2026-11-24): all three rates about equal (about 1,500/s), a per-request cost they "
        "share rather than signing (`openssl speed ecdsap256` here: sign about 20 µs, verify 64 µs). Profiles "
        "of 2026-11-30 (`BENCH_PERF_DIR`) found it in thread hops: every read went to a GRDB reader queue and "
        "back. Since then the per-request reads (client secret, API key, revocation checks, feed page) run on "
        "the calling thread over read-only connections of their own (`IncentiveDatabase.readNow`), the "
        "revocation checks are one cached statement, introspection verifies a JWT once instead of twice, and "
        "a token's signature and claims are verified once per token while its key stays in the ring "
        "(`VerifiedTokenCache`; expiry and every revocation are still checked on every call). Later that day "
        "HMAC-SHA-256 (client secrets, API keys, refresh tokens, cursors, pairwise ids) stopped going through "
        "`EVP_MAC` per message and resumes precomputed SHA-256 states instead (see the feed below), and the "
        "resource call stopped reading the partner record the bearer check had already found enabled.",
    ]),
    ("feed", "Partner feed", "Feed", "`scripts/bench-achievements.sh`", [
        "Store seeded straight into SQLite by `Benchmarks/seed_achievements.py` after `incentives migrate`: "
        "`FEED_USERS` users × `PER_USER` achievements over 20 programs (1,000,000 by default), interleaved by "
        "user as awards arrive. The partner manages 10 programs and every second user granted it, so the "
        "service's own triggers fill its feed index with 250,000 rows: 2,500 pages of 100.",
        "Each call is `GET /v1/achievements?limit=100` (with `since=` past page 1) with a client-credentials "
        "token: the full bearer check and an audit row per call, wrk -t2 over HTTPS keep-alive. Reference: the "
        "server's page query (on the feed index, which holds only rows of active grants) straight on SQLite "
        "from Python's `sqlite3`, one connection, no HTTP. Cost ratio = page-1 rate ÷ deepest-page rate (1.0 = no growth).",
        "Pages measured: 1, 100 (rows 9,901–10,000) and the last full page. **Why not page 10,000:** issue 5 "
        "sizes the store at 1,000,000 achievements, where the partner's feed ends at page 2,500. Page 10,000 "
        "needs a 4,000,000-achievement store (`PER_USER=400`, 1,000,000 rows for the partner): four times the "
        "seeding time and disk for no new kind of information, since a page is a range read on the "
        "`(clientId, seq)` primary key of `partnerFeedEntry`, whose cost follows the B-tree depth (logarithmic "
        "in the store), not the page number; the raw SQLite column shows how flat it is. "
        "`PER_USER=400 scripts/bench-achievements.sh` measures page 10,000 when it is wanted: on 2026-11-30 "
        "(`PER_USER=400 PAGES=\"1 10000\" scripts/bench-achievements.sh`, 4,000,000 achievements seeded in "
        "about two minutes, 1,000,000 rows for the partner) page 1 ran at 5,641 pages/s (p99 5.13 ms) and "
        "page 10,000 at 5,867 (p99 4.77 ms), a cost ratio of 0.96; the raw query 7,435 and 7,387/s.",
        "Where the time goes (perf, 2026-11-30, `BENCH_PERF_DIR`): at first Foundation's `JSONEncoder` writing "
        "the generated types was a quarter of a page and decoding rows a tenth; the page has since been "
        "written by hand (`PartnerFeedPage`) straight from SQLite's buffers (`PartnerFeedColumns`: no Swift "
        "string per column value). That took the rate from about 1,600 to about 3,100 pages/s; one TLS record "
        "per response (see TLS above), the subject MACed from the row's bytes and the bearer token parsed "
        "without Foundation then took it to about 3,500. On 2026-11-30 a page cost about 400 µs of server CPU, "
        "and these took it under 300 (`scripts/ab-feed.sh BEFORE AFTER`: one binary against the next on one "
        "seeded store, server CPU per page): `JSONWriter` writes into a buffer of its own with inlinable small writes instead of "
        "appending to a `[UInt8]` (about 8%); the audit row's canonical form is written by hand instead of "
        "through `JSONEncoder` and inserted by a cached statement (the audit writer went from 7% to 3% of the "
        "samples); the page query no longer checks the grant of every row, which the feed index already "
        "guarantees (a sixth of the query; Python's rate for it went from about 6,400 to 7,800 pages/s); the "
        "partner record is no longer read and decoded per call; and HMAC-SHA-256 resumes precomputed SHA-256 "
        "states instead of going through `EVP_MAC` (the 300 pairwise ids of a page: about 95 instead of 160 ns "
        "each, `Benchmarks/hmac-speed.c`; about 12% of a page). What is left is spread thin: SQLite's page query, the ETag's SHA-256 over "
        "the 32 KB body (about 17 µs), TLS, the kernel's socket work and thread wake-ups, Swift reference "
        "counting and the audit row's group commit. No rendered page or pairwise id is cached: this benchmark "
        "asks for the same page again and again and would then measure the cache instead of the feed.",
    ]),
]


def number(text):
    try:
        return float(text)
    except ValueError:
        return None


def fmt(text):
    value = number(text)
    if value is None:
        return "–" if text in ("", "-") else text
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 0.1:
        return f"{value:.2f}"
    return f"{value:.3g}"


def with_unit(text, unit):
    shown = fmt(text)
    if shown == "–" or number(text) is None:
        return shown
    if unit in ("/s", "×", ""):
        return shown + unit
    return f"{shown} {unit.replace('us', 'µs')}"


def reference(row):
    if row["reference"] in ("", "-"):
        return "–"
    shown = with_unit(row["reference"], row["unit"])
    kind = row["kind"]
    if kind == "published":
        return f"{shown} ({row['label']}; published, not measured here)"
    if kind == "budget":
        return f"{shown} ({row['label']})"
    return f"{shown} ({row['label']})" if row["label"] else shown


def cell(text):
    return text.replace("|", "\\|")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: render-benchmarks.py RESULTS.tsv > BENCHMARKS.md")
    meta, results, notes, warnings = {}, [], {}, []
    with open(sys.argv[1], encoding="utf-8") as file:
        for line in file:
            fields = line.rstrip("\n").split("\t")
            if fields[0] == "meta" and len(fields) >= 3:
                meta[fields[1]] = fields[2]
            elif fields[0] == "result" and len(fields) == 11:
                results.append(dict(zip(["area", "figure", "ours", "unit", "reference", "label", "kind", "ratio",
                                         "target", "met"], fields[1:])))
            elif fields[0] == "note" and len(fields) >= 3:
                notes.setdefault(fields[1], []).append(fields[2])
            elif fields[0] == "warn" and len(fields) >= 3:
                warnings.append(fields[2])
            elif fields[0].strip():
                sys.exit(f"render-benchmarks: unreadable line: {line!r}")

    out = ["# Benchmarks", ""]
    out.append("Written by `scripts/bench-all.sh` from one run of every benchmark script, one after another, on "
               "one machine; re-run it rather than editing figures by hand (the explanations below come from "
               "`scripts/render-benchmarks.py`).")
    out.append("")
    for key, title in [("command", "Command"), ("date", "Date"), ("machine", "Machine"), ("software", "Software"),
                       ("commit", "Commit"), ("scripts", "Scripts run")]:
        if key in meta:
            value = f"`{meta[key]}`" if key == "command" else meta[key]
            out.append(f"- **{title}:** {value}")
    out.append("")
    out.append("wrk (or `openssl s_time`) and the server share the machine's cores, so every figure is "
               "\"server plus load generator on this machine\". References are *measured* in the same run on "
               "the same machine, *published* by their authors (not measured here), or a *budget* from the "
               "design. Ratio = ours ÷ reference.")
    out.append("")
    for warning in warnings:
        out.append(f"> **Warning:** {warning}")
        out.append("")
    judged = [row for row in results if row["met"] in ("yes", "no")]
    met = sum(row["met"] == "yes" for row in judged)
    out.append(f"**Targets met: {met} of {len(judged)}.**")
    out.append("")
    out.append("| area | figure | ours | reference | ratio | target | met |")
    out.append("|---|---|---:|---|---:|---|---|")
    short = {key: name for key, _, name, _, _ in AREAS}
    order = {key: index for index, (key, *_rest) in enumerate(AREAS)}
    for row in sorted(results, key=lambda row: order.get(row["area"], len(order))):  # stable within an area
        met_text = {"yes": "yes", "no": "**no**"}.get(row["met"], "–")
        out.append("| " + " | ".join(cell(text) for text in [
            short.get(row["area"], row["area"]), row["figure"], with_unit(row["ours"], row["unit"]),
            reference(row), fmt(row["ratio"]), row["target"] or "–", met_text]) + " |")
    out.append("")

    for key, title, _, script, explanations in AREAS:
        out.append(f"## {title}: {script}")
        out.append("")
        if not any(row["area"] == key for row in results) and key not in notes:
            out.append("_Not measured in this run._")
            out.append("")
        out.append("How it is measured, and what earlier runs found:")
        out.append("")
        out.extend(f"- {text}" for text in explanations)
        out.append("")
        if key in notes:
            out.append("This run:")
            out.append("")
            out.extend(f"- {text}" for text in notes[key])
            out.append("")
    sys.stdout.write(re.sub(r"\n{3,}", "\n\n", "\n".join(out)).rstrip("\n") + "\n")


if __name__ == "__main__":
    main()
