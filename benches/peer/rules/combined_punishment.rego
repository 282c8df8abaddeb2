# cn.cl.069.combined_punishment: D has two or more single sentences of one
# term penalty and no combined sentence, or a combined sentence outside
# [longest single term, min(sum, cap)]; not when a single is life or death.
package caselint.combined_punishment

import rego.v1

import data.caselint.common as c

term_penalties := {"public_surveillance", "criminal_detention", "fixed_term"}

grave := {"life", "death_reprieve", "death"}

defendant_sentences[d] := [c.node[s] | some s in c.sentences_of[d]] if some d in c.defendants

not_grave(sents) if {
	not any_grave(sents)
}

any_grave(sents) if {
	some s in sents
	s.scope == "single"
	s.penalty in grave
}

# Part missing.
findings contains f if {
	some d, sents in defendant_sentences
	not_grave(sents)
	count([1 | some s in sents; s.scope == "combined"]) == 0
	some k in ["public_surveillance", "criminal_detention", "fixed_term"]
	n := count([1 | some s in sents; s.scope == "single"; s.penalty == k])
	n >= 2
	f := {
		"rule": "cn.cl.069.combined_punishment",
		"nodes": [d],
		"message": sprintf("%s被判处%d个%s，但没有数罪并罚后决定执行的刑罚", [c.name(c.node[d]), n, k]),
	}
}

cap("fixed_term", total) := 300 if total >= 420
cap("fixed_term", total) := 240 if total < 420
cap("criminal_detention", _) := 12
cap("public_surveillance", _) := 36

# Part bounds.
findings contains f if {
	some d, sents in defendant_sentences
	not_grave(sents)
	some cs in sents
	cs.scope == "combined"
	cs.penalty in term_penalties
	singles := [s | some s in sents; s.scope == "single"; s.penalty == cs.penalty]
	count(singles) >= 2
	months := [s.months | some s in singles; s.months != null]
	count(months) == count(singles)
	top := max(months)
	total := sum(months)
	cm := cs.months
	hi := min([total, cap(cs.penalty, total)])
	not within(top, cm, hi)
	f := {
		"rule": "cn.cl.069.combined_punishment",
		"nodes": [d, cs.id],
		"message": sprintf("%s数罪并罚决定执行%s%d个月，应当在数刑中最高刑期%d个月以上、总和刑期%d个月以下，且不超过%d个月", [c.name(c.node[d]), cs.penalty, cm, top, total, hi]),
	}
}

within(top, cm, hi) if {
	top <= cm
	cm <= hi
}
