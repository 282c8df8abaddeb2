# Indexes over the case file (v1 JSON as `input`), built once per evaluation
# by partial rules, the way Rego allows indexing: node by id, events by type,
# the sources of each edge kind by target.
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

events_of_type[t] contains n.id if {
	some n in input.nodes
	n.kind == "event"
	t := n.type
}

# subject: event -> person; by person.
subject_events[p] contains e.from if {
	some e in input.edges
	e.kind == "subject"
	p := e.to
}

has_subject contains e.from if {
	some e in input.edges
	e.kind == "subject"
}

# Events of a type with no subject: they concern every defendant.
edgeless[t] contains x if {
	some t, xs in events_of_type
	some x in xs
	not has_subject[x]
}

# D's events of a type (the open edge `-subject?-> d`).
events_for(d, t) := {x | some x in subject_events[d]; node[x].type == t} | object.get(edgeless, t, set())

# concerns: event -> event; by target.
concerning[x] contains e.from if {
	some e in input.edges
	e.kind == "concerns"
	x := e.to
}

day_ns(d) := time.parse_ns("2006-01-02", d)

# evidence -> charge: per charge, [evidence id, amount] of the admissible
# evidence asserting one.
amounts[ch] contains [x, e.amount] if {
	some e in input.edges
	e.kind == "supports"
	x := e.from
	ev := node[x]
	ev.kind == "evidence"
	not ev.excluded == true
	ch := e.to
	e.amount != null
}

# imposed_on: sentence -> person; by person.
sentences_of[d] contains s if {
	some e in input.edges
	e.kind == "imposed_on"
	s := e.from
	node[s].kind == "sentence"
	d := e.to
}

# charged_with: person -> charge; by person.
charged[p] contains ch if {
	some e in input.edges
	e.kind == "charged_with"
	p := e.from
	ch := e.to
}

# When an act happened, to the minute where the file says so.
moment(e) := time.parse_ns("2006-01-02T15:04", concat("T", [e.date, e.time])) if e.time
moment(e) := day_ns(e.date) if not e.time

ns_per_day := 86400000000000

# Sort key of `earliest`: date, then time (a known time first), then id.
time_key(e) := e.time if e.time
time_key(e) := "~" if not e.time

name(p) := p.name if p.name
name(p) := "?" if not p.name
