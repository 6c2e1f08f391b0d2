package recist_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/trial/recist"
)

func TestBestOverallResponse(t *testing.T) {
	on := recist.Options{Confirm: true}
	cases := []struct {
		name    string
		opt     recist.Options
		days    []int
		tps     []string
		overall []R
		best    R
		bestDay int // -1: no date
		confDay int // -1: not confirmed
	}{
		{"unconfirmed PR counts by default", recist.Options{}, []int{0, 42}, []string{"T1=30", "T1=20"}, []R{PR}, PR, 42, -1},
		{"unconfirmed PR counts even before the SD minimum", recist.Options{}, []int{0, 14}, []string{"T1=30", "T1=20"}, []R{PR}, PR, 14, -1},
		{"SD before the minimum interval is NE", recist.Options{}, []int{0, 41}, []string{"T1=30", "T1=28"}, []R{SD}, NE, -1, -1},
		{"SD at exactly the minimum interval", recist.Options{}, []int{0, 42}, []string{"T1=30", "T1=28"}, []R{SD}, SD, 42, -1},
		{"SD minimum is configurable", recist.Options{SDMinDays: 56}, []int{0, 42}, []string{"T1=30", "T1=28"}, []R{SD}, NE, -1, -1},
		{"early SD then PD is PD", recist.Options{}, []int{0, 28, 56}, []string{"T1=30", "T1=28", "T1=40"}, []R{SD, PD}, PD, 56, -1},
		{"CR then PR is CR", recist.Options{}, nil, []string{"T1=30 NT1=present", "T1=0 NT1=absent", "T1=0 NT1=present"}, []R{CR, PR}, CR, 42, -1},
		{"PR then PD is PR", recist.Options{}, nil, []string{"T1=30", "T1=20", "T1=30"}, []R{PR, PD}, PR, 42, -1},
		{"responses after PD do not count", recist.Options{}, nil, []string{"T1=30", "T1=40", "T1=10"}, []R{PD, PR}, PD, 42, -1},
		{"all NE is NE", recist.Options{}, nil, []string{"T1=30", "T1=ne"}, []R{NE}, NE, -1, -1},
		{"non-target only disease: non-CR/non-PD", recist.Options{}, nil, []string{"NT1=present", "NT1=present"}, []R{NN}, NN, 42, -1},
		{"confirmed PR 28 days later", on, []int{0, 42, 70}, []string{"T1=30", "T1=20", "T1=20"}, []R{PR, PR}, PR, 42, 70},
		{"PR 27 days later is not confirmed: SD", on, []int{0, 42, 69}, []string{"T1=30", "T1=20", "T1=20"}, []R{PR, PR}, SD, 42, -1},
		{"confirmation interval is configurable", recist.Options{Confirm: true, ConfirmDays: 56}, []int{0, 42, 84}, []string{"T1=30", "T1=20", "T1=20"}, []R{PR, PR}, SD, 42, -1},
		{"confirmed CR", on, []int{0, 42, 84}, []string{"T1=30", "T1=0", "T1=0"}, []R{CR, CR}, CR, 42, 84},
		{"CR then PR confirms PR", on, []int{0, 42, 84}, []string{"T1=30 NT1=present", "T1=0 NT1=absent", "T1=0 NT1=present"}, []R{CR, PR}, PR, 42, 84},
		{"PR, NE, PR confirms PR", on, []int{0, 42, 70, 98}, []string{"T1=30 T2=10", "T1=20 T2=5", "T1=20", "T1=20 T2=5"}, []R{PR, NE, PR}, PR, 42, 98},
		{"PR then PD after the SD minimum is SD", on, []int{0, 42, 84}, []string{"T1=30", "T1=20", "T1=30"}, []R{PR, PD}, SD, 42, -1},
		{"PR then PD before the SD minimum is PD", on, []int{0, 28, 56}, []string{"T1=30", "T1=20", "T1=30"}, []R{PR, PD}, PD, 56, -1},
		{"PR then NE before the SD minimum is NE", on, []int{0, 28, 56}, []string{"T1=30", "T1=20", "T1=ne"}, []R{PR, NE}, NE, -1, -1},
		{"confirmation on, non-target only: non-CR/non-PD", on, nil, []string{"NT1=present", "NT1=present"}, []R{NN}, NN, 42, -1},
		{"FAQ 100 -> 70 -> 70 -> 80 with confirmation stays PR", on, []int{0, 42, 84, 126}, []string{"T1=100", "T1=70", "T1=70", "T1=80"}, []R{PR, PR, PR}, PR, 42, 84},
		{"PR is not held before it is confirmed", on, []int{0, 42, 56}, []string{"T1=100", "T1=70", "T1=80"}, []R{PR, SD}, SD, 42, -1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := recist.Evaluate(course(t, tc.days, tc.tps...), tc.opt)
			require.Equal(t, tc.overall, overall(r))
			want := recist.Best{Response: tc.best}
			if tc.bestDay >= 0 {
				want.Date = day0.AddDate(0, 0, tc.bestDay)
			}
			if tc.confDay >= 0 {
				want.ConfirmedOn = day0.AddDate(0, 0, tc.confDay)
			}
			require.Equal(t, want, r.Best)
		})
	}
}

func TestSeriesAndWaterfall(t *testing.T) {
	r := recist.Evaluate(course(t, nil, "T1=40 T2=10", "T1=30 T2=10", "T1=20 T2=ne", "T1=20 T2=8", "T1=30 T2=10", "T1=5 T2=5"), recist.Options{})
	type point struct {
		day      int
		sod, pct string
		resp     R
	}
	var got []point
	for _, p := range r.Series {
		got = append(got, point{int(p.Date.Sub(day0) / (24 * time.Hour)), p.SoD.String(), recist.FormatPercent(p.PctBaseline), p.Response})
	}
	require.Equal(t, []point{
		{0, "50 mm", "0.0", Nil},
		{42, "40 mm", "-20.0", SD},
		{84, "20 mm", "NA", NE}, // partial sum of measured targets
		{126, "28 mm", "-44.0", PR},
		{168, "40 mm", "-20.0", PD},
		{210, "10 mm", "-80.0", PR},
	}, got)
	require.Equal(t, "-44.0", recist.FormatPercent(r.BestPctChange), "waterfall stops at the first PD")
	require.Equal(t, day0.AddDate(0, 0, 168), r.ProgressionDate)
	require.Equal(t, recist.MM(40), r.TimePoints[2].Nadir, "an incomplete sum is not a nadir")
	require.Equal(t, recist.MM(28), r.TimePoints[3].Nadir)
	require.Equal(t, "42.9", recist.FormatPercent(r.TimePoints[3].PctNadir))
}
