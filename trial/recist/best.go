package recist

import "time"

// bestOverall picks the best overall response from the time points up to
// and including the first PD (domain.md §10 "Best overall response").
//
// Without confirmation an unconfirmed CR or PR counts; SD (non-CR/non-PD in
// Table 2) counts only at or after SDMinDays from baseline, and earlier is
// NE. With confirmation (RECIST 1.1 Table 3) a CR needs a later CR and a PR a
// later CR or PR at least ConfirmDays later (NE or SD in between do not break
// it; PD ends the sequence); an unconfirmed CR/PR falls back to SD when it is
// at or after SDMinDays. When nothing qualifies the result is PD if the
// sequence ends in PD, else NE.
func bestOverall(tps []TimePointResult, baseline time.Time, table int, opt Options) Best {
	stable := SD
	if table == 2 {
		stable = NonCRNonPD
	}
	sdOK := func(tr TimePointResult) bool { return days(baseline, tr.Date) >= opt.sdMinDays() }
	if !opt.Confirm {
		best, rank := Best{Response: NE}, 0
		for _, tr := range tps {
			r := 0
			switch tr.Overall {
			case CR:
				r = 3
			case PR:
				r = 2
			case SD, NonCRNonPD:
				if sdOK(tr) {
					r = 1
				}
			}
			if r > rank {
				best, rank = Best{Response: tr.Overall, Date: tr.Date}, r
			}
		}
		if rank > 0 {
			return best
		}
	} else {
		if b, ok := confirmed(tps, opt.confirmDays()); ok {
			return b
		}
		for _, tr := range tps {
			switch tr.Overall {
			case CR, PR, SD, NonCRNonPD:
				if sdOK(tr) {
					return Best{Response: stable, Date: tr.Date}
				}
			}
		}
	}
	if n := len(tps); n > 0 && tps[n-1].Overall == PD {
		return Best{Response: PD, Date: tps[n-1].Date}
	}
	return Best{Response: NE}
}

// confirmed finds the best confirmed response: CR confirmed by a later CR,
// else PR confirmed by a later CR or PR, at least minDays apart.
func confirmed(tps []TimePointResult, minDays int) (Best, bool) {
	var pr Best
	for i, a := range tps {
		if a.Overall != CR && a.Overall != PR {
			continue
		}
		for _, b := range tps[i+1:] {
			if days(a.Date, b.Date) < minDays {
				continue
			}
			if a.Overall == CR && b.Overall == CR {
				return Best{Response: CR, Date: a.Date, ConfirmedOn: b.Date}, true
			}
			if (b.Overall == CR || b.Overall == PR) && pr.Response == "" {
				pr = Best{Response: PR, Date: a.Date, ConfirmedOn: b.Date}
			}
		}
	}
	return pr, pr.Response != ""
}
