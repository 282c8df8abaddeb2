# cn.evidence.amount_conflict: two admissible pieces of evidence supporting
# one charge assert different amounts (one finding per pair).
package caselint.amount_conflict

import rego.v1

import data.caselint.common as c

findings contains f if {
	some ch, pairs in c.amounts
	some [e1, a1] in pairs
	some [e2, a2] in pairs
	e1 < e2
	a1 != a2
	f := {
		"rule": "cn.evidence.amount_conflict",
		"nodes": [ch, e1, e2],
		"message": sprintf("证据%s与%s证明的%s数额不一致：%v元与%v元", [e1, e2, c.node[ch].crime, a1, a2]),
	}
}
