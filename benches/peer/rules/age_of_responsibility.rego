# cn.cl.017.age_of_responsibility: D under 16 on a charge's offense_date and
# not liable at that age (three-valued: an unknown injury raises nothing).
package caselint.age_of_responsibility

import rego.v1

import data.caselint.common as c

eight := {"intentional_homicide", "rape", "robbery", "drug_trafficking", "arson", "explosion", "poisoning"}

spp if count(object.get(c.events_of_type, "spp_approval", set())) > 0

years(birth, day) := to_number(substring(day, 0, 4)) - to_number(substring(birth, 0, 4))

# Whole years completed: one less before the birthday of the year.
years_between(birth, day) := years(birth, day) - 1 if substring(day, 5, 5) < substring(birth, 5, 5)

years_between(birth, day) := years(birth, day) if substring(day, 5, 5) >= substring(birth, 5, 5)

findings contains f if {
	some d in c.defendants
	p := c.node[d]
	birth := p.birth_date
	some chid in c.charged[d]
	ch := c.node[chid]
	ch.kind == "charge"
	a := years_between(birth, ch.offense_date)
	a < 16
	not_14(a, ch)
	not_12(a, ch)
	f := {
		"rule": "cn.cl.017.age_of_responsibility",
		"nodes": [d, chid],
		"message": sprintf("%s于%s实施%s时%d周岁，不负刑事责任", [c.name(p), ch.offense_date, ch.crime, a]),
	}
}

# `a >= 14 and liable_from_14(c)` is false.
not_14(a, _) if a < 14
not_14(_, ch) if {
	not one_of_eight(ch)
	not injury_may_count(ch)
}

one_of_eight(ch) if ch.crime in eight

injury_may_count(ch) if {
	ch.crime == "intentional_injury"
	not ch.injury
}

injury_may_count(ch) if {
	ch.crime == "intentional_injury"
	ch.injury in {"serious", "death"}
}

# `a >= 12 and liable_from_12(c)` is false.
not_12(a, _) if a < 12
not_12(_, ch) if not homicide_or_injury(ch)
not_12(_, ch) if not spp
not_12(_, ch) if {
	ch.injury
	not grave_injury(ch)
}

homicide_or_injury(ch) if ch.crime in {"intentional_homicide", "intentional_injury"}

grave_injury(ch) if ch.injury == "death"
grave_injury(ch) if {
	ch.injury == "serious"
	ch.especially_cruel == true
}
