# Indexes over the case file (v1 JSON as `input`), built once per evaluation
# by partial rules, the way Rego allows indexing: node by id, events by type,
# the sources of each edge kind by target.
# The indexes of common.rego for regorus's RVM (0.14.1), which compiles a
# multi-value rule with a key (`p[k] contains v`) as if it had none
# (`p contains v`), dropping the grouping. Here each one-to-many index is an
# object comprehension over its distinct keys instead: the same values, at
# the cost of one pass over the input per key (quadratic). Everything else is
# common.rego's.
package caselint.common

import rego.v1

node[n.id] := n if some n in input.nodes

case_node := n if {
	some n in input.nodes
	n.kind == "case"
}

defendants contains n.id if {
	some n in input.nodes
	n.kind == "person"
	n.role == "defendant"
}

event_types := {n.type | some n in input.nodes; n.kind == "event"}

events_of_type := {t: {n.id | some n in input.nodes; n.kind == "event"; n.type == t} | some t in event_types}

# subject: event -> person; by person.
subject_targets := {e.to | some e in input.edges; e.kind == "subject"}

subject_events := {p: {e.from | some e in input.edges; e.kind == "subject"; e.to == p} | some p in subject_targets}

has_subject contains e.from if {
	some e in input.edges
	e.kind == "subject"
}

# Events of a type with no subject: they concern every defendant.
edgeless := {t: {x | some x in xs; not has_subject[x]} | some t, xs in events_of_type}

# D's events of a type (the open edge `-subject?-> d`).
events_for(d, t) := {x | some x in subject_events[d]; node[x].type == t} | object.get(edgeless, t, set())

# concerns: event -> event; by target.
concern_targets := {e.to | some e in input.edges; e.kind == "concerns"}

concerning := {x: {e.from | some e in input.edges; e.kind == "concerns"; e.to == x} | some x in concern_targets}

day_ns(d) := time.parse_ns("2006-01-02", d)

# evidence -> charge: per charge, [evidence id, amount] of the admissible
# evidence asserting one.
admissible_amount(e) if {
	e.kind == "supports"
	ev := node[e.from]
	ev.kind == "evidence"
	not ev.excluded == true
	e.amount != null
}

supported := {e.to | some e in input.edges; admissible_amount(e)}

amounts := {ch: {[e.from, e.amount] | some e in input.edges; e.to == ch; admissible_amount(e)} | some ch in supported}

# imposed_on: sentence -> person; by person.
sentenced := {e.to | some e in input.edges; e.kind == "imposed_on"}

sentences_of := {d: {e.from | some e in input.edges; e.kind == "imposed_on"; e.to == d; node[e.from].kind == "sentence"} | some d in sentenced}

# charged_with: person -> charge; by person.
charged_persons := {e.from | some e in input.edges; e.kind == "charged_with"}

charged := {p: {e.to | some e in input.edges; e.kind == "charged_with"; e.from == p} | some p in charged_persons}

# When an act happened, to the minute where the file says so.
moment(e) := time.parse_ns("2006-01-02T15:04", concat("T", [e.date, e.time])) if e.time
moment(e) := day_ns(e.date) if not e.time

ns_per_day := 86400000000000

# Sort key of `earliest`: date, then time (a known time first), then id.
time_key(e) := e.time if e.time
time_key(e) := "~" if not e.time

name(p) := p.name if p.name
name(p) := "?" if not p.name
