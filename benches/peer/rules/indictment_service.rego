# cn.cpl.187.indictment_service: procedure ordinary, and no indictment
# service of D at least 10 days before the hearing (the earliest hearing).
package caselint.indictment_service

import rego.v1

import data.caselint.common as c

hearing := sort([[n.date, c.time_key(n), n.id] |
	some hid in c.events_of_type.hearing
	n := c.node[hid]
])[0]

findings contains f if {
	c.case_node.procedure == "ordinary"
	h := hearing
	limit := c.day_ns(h[0]) - 10 * c.ns_per_day
	some d in c.defendants
	services := sort([[n.date, c.time_key(n), n.id] |
		some sid in c.events_for(d, "indictment_service")
		n := c.node[sid]
	])
	not served(services, limit)
	f := finding(h, c.node[d], services)
}

served(services, limit) if c.day_ns(services[0][0]) <= limit

finding(h, d, services) := {
	"rule": "cn.cpl.187.indictment_service",
	"nodes": [h[2], d.id],
	"message": sprintf("卷内没有向%s送达起诉书副本的记录，开庭日期为%s", [c.name(d), h[0]]),
} if count(services) == 0

finding(h, d, services) := {
	"rule": "cn.cpl.187.indictment_service",
	"nodes": [h[2], d.id, services[0][2]],
	"message": sprintf("起诉书副本于%s送达%s，距%s开庭仅%d日，应当至少提前十日", [
		services[0][0], c.name(d), h[0],
		(c.day_ns(h[0]) - c.day_ns(services[0][0])) / c.ns_per_day,
	]),
} if count(services) > 0
