# cn.cpl.085.detention_family_notice: a detention of D, the case not
# national-security, and no family notice concerning it within 24 hours
# (or with notice_impossible).
package caselint.family_notice

import rego.v1

import data.caselint.common as c

findings contains f if {
	not c.case_node.national_security == true
	some d in c.defendants
	some xid in c.events_for(d, "detention")
	x := c.node[xid]
	not notified(x)
	later := sort([[n.date, c.time_key(n), n.id] |
		some fid in c.concerning[xid]
		n := c.node[fid]
		n.type == "family_notice"
		on_or_after(x, n)
	])
	f := finding(c.node[d], x, later)
}

notified(x) if {
	some fid in c.concerning[x.id]
	n := c.node[fid]
	n.type == "family_notice"
	in_time(x, n)
}

in_time(_, n) if n.notice_impossible == true

in_time(x, n) if {
	x.time
	n.time
	c.moment(x) <= c.moment(n)
	c.moment(n) <= c.moment(x) + (24 * 3600) * 1000000000
}

in_time(x, n) if {
	not both_timed(x, n)
	c.day_ns(x.date) <= c.day_ns(n.date)
	c.day_ns(n.date) <= c.day_ns(x.date) + c.ns_per_day
}

both_timed(x, n) if {
	x.time
	n.time
}

on_or_after(x, n) if {
	both_timed(x, n)
	c.moment(n) >= c.moment(x)
}

on_or_after(x, n) if {
	not both_timed(x, n)
	n.date >= x.date
}

finding(d, x, later) := {
	"rule": "cn.cpl.085.detention_family_notice",
	"nodes": [d.id, x.id],
	"message": sprintf("%s于%s被拘留，卷内没有针对该拘留的通知家属记录", [c.name(d), x.date]),
} if count(later) == 0

finding(d, x, later) := {
	"rule": "cn.cpl.085.detention_family_notice",
	"nodes": [d.id, x.id, later[0][2]],
	"message": sprintf("%s于%s被拘留，直至%s才通知家属，超过二十四小时", [c.name(d), x.date, later[0][0]]),
} if count(later) > 0
