package recist_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/trial/recist"
)

// R shortens response lists in the tables.
type R = recist.Response

const (
	CR  = recist.CR
	PR  = recist.PR
	SD  = recist.SD
	PD  = recist.PD
	NE  = recist.NE
	NN  = recist.NonCRNonPD
	Nil = recist.NotApplicable
)

func TestEvaluateTargetResponses(t *testing.T) {
	cases := []struct {
		name    string
		tps     []string
		target  []R
		overall []R
		pct     []string // % change vs baseline per follow-up
	}{
		{"exactly -30% is PR", []string{"T1=100", "T1=70"}, []R{PR}, []R{PR}, []string{"-30.0"}},
		{"-29.9% is SD", []string{"T1=100", "T1=70.1"}, []R{SD}, []R{SD}, []string{"-29.9"}},
		{"exactly +20% and +5 mm over nadir is PD", []string{"T1=25", "T1=30"}, []R{PD}, []R{PD}, []string{"20.0"}},
		{"+20% but only +4.9 mm is not PD", []string{"T1=24.5", "T1=29.4"}, []R{SD}, []R{SD}, []string{"20.0"}},
		{"+5 mm but only +19.9% is not PD", []string{"T1=25.1", "T1=30.1"}, []R{SD}, []R{SD}, []string{"19.9"}},
		{"PD is judged against the nadir, not baseline",
			[]string{"T1=50", "T1=30", "T1=36"}, []R{PR, PD}, []R{PR, PD}, []string{"-40.0", "-28.0"}},
		{"nadir is the smallest earlier sum, baseline included",
			[]string{"T1=20", "T1=22", "T1=24.9", "T1=25"}, []R{SD, SD, PD}, []R{SD, SD, PD}, []string{"10.0", "24.5", "25.0"}},
		{"all non-nodal gone and nodes < 10 mm is CR with a residual sum",
			[]string{"T1=30 N1=20", "T1=0 N1=8"}, []R{CR}, []R{CR}, []string{"-84.0"}},
		{"a node >= 10 mm blocks CR",
			[]string{"T1=30 N1=20", "T1=0 N1=10"}, []R{PR}, []R{PR}, []string{"-80.0"}},
		{"too small to measure counts 5 mm and is not CR",
			[]string{"T1=30", "T1=tiny"}, []R{PR}, []R{PR}, []string{"-83.3"}},
		{"too small to measure can make PD from a nadir of 0",
			[]string{"T1=30 T2=20", "T1=0 T2=0", "T1=tiny T2=0"}, []R{CR, PD}, []R{CR, PD}, []string{"-100.0", "-90.0"}},
		{"split lesion is the sum of its fragments, not the largest",
			[]string{"T1=40", "T1=split:15+14"}, []R{SD}, []R{SD}, []string{"-27.5"}},
		{"split lesion as several assessments with one ID",
			[]string{"T1=40", "T1=split:15 T1=split:13"}, []R{PR}, []R{PR}, []string{"-30.0"}},
		{"coalesced lesion counts 0, the merged mass is measured on the other",
			[]string{"T1=20 T2=20", "T1=coal>T2 T2=28"}, []R{PR}, []R{PR}, []string{"-30.0"}},
		{"missing target is NE",
			[]string{"T1=30 T2=20", "T1=20"}, []R{NE}, []R{NE}, []string{"NA"}},
		{"not evaluated target is NE",
			[]string{"T1=30 T2=20", "T1=10 T2=ne"}, []R{NE}, []R{NE}, []string{"NA"}},
		{"missing target but the measured ones already prove PD",
			[]string{"T1=30 T2=20", "T1=20 T2=10", "T1=36"}, []R{PR, PD}, []R{PR, PD}, []string{"-40.0", "NA"}},
		{"EORTC FAQ: 100 -> 70 -> 70 -> 80 stays PR",
			[]string{"T1=100", "T1=70", "T1=70", "T1=80"}, []R{PR, PR, PR}, []R{PR, PR, PR}, []string{"-30.0", "-30.0", "-20.0"}},
		{"held PR still ends at PD vs nadir",
			[]string{"T1=100", "T1=70", "T1=84"}, []R{PR, PD}, []R{PR, PD}, []string{"-30.0", "-16.0"}},
		{"node regrowing >= 10 mm after CR is not PD by itself",
			[]string{"T1=30 N1=20", "T1=0 N1=8", "T1=0 N1=12"}, []R{CR, PR}, []R{CR, PR}, []string{"-84.0", "-76.0"}},
		{"node regrowing after CR is PD when the sum rule says so",
			[]string{"T1=30 N1=20", "T1=0 N1=8", "T1=0 N1=13"}, []R{CR, PD}, []R{CR, PD}, []string{"-84.0", "-74.0"}},
		{"non-nodal target reappearing after CR is PD",
			[]string{"T1=30 T2=30", "T1=0 T2=0", "T1=0 T2=3"}, []R{CR, PD}, []R{CR, PD}, []string{"-100.0", "-95.0"}},
		{"reappearance after PR is added to the sum",
			[]string{"T1=30 T2=30", "T1=0 T2=20", "T1=3 T2=18"}, []R{PR, PR}, []R{PR, PR}, []string{"-66.7", "-65.0"}},
		{"decimal measurements are exact",
			[]string{"T1=12.5 T2=12.5", "T1=8.75 T2=8.75"}, []R{PR}, []R{PR}, []string{"-30.0"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := recist.Evaluate(course(t, nil, tc.tps...), recist.Options{})
			require.Equal(t, tc.target, targets(r))
			require.Equal(t, tc.overall, overall(r))
			var pct []string
			for _, tp := range r.TimePoints {
				pct = append(pct, recist.FormatPercent(tp.PctBaseline))
			}
			require.Equal(t, tc.pct, pct)
		})
	}
}

// TestOverallResponseTables covers every row of RECIST 1.1 Tables 1 and 2
// (domain.md §10).
func TestOverallResponseTables(t *testing.T) {
	cases := []struct {
		name              string
		target, nonTarget R
		newLesion         bool
		want              R
	}{
		{"T1 CR, CR, no new", CR, CR, false, CR},
		{"T1 CR, no non-targets, no new", CR, Nil, false, CR},
		{"T1 CR, non-CR/non-PD, no new", CR, NN, false, PR},
		{"T1 CR, not evaluated, no new", CR, NE, false, PR},
		{"T1 PR, non-PD", PR, NN, false, PR},
		{"T1 PR, CR", PR, CR, false, PR},
		{"T1 PR, not all evaluated", PR, NE, false, PR},
		{"T1 SD, non-PD", SD, NN, false, SD},
		{"T1 SD, not all evaluated", SD, NE, false, SD},
		{"T1 NE, non-PD", NE, NN, false, NE},
		{"T1 NE, CR", NE, CR, false, NE},
		{"T1 PD, any", PD, CR, false, PD},
		{"T1 PD, any, new", PD, NE, true, PD},
		{"T1 any, PD", CR, PD, false, PD},
		{"T1 NE, PD", NE, PD, false, PD},
		{"T1 any, any, new", CR, CR, true, PD},
		{"T1 SD, NE, new", SD, NE, true, PD},
		{"T2 CR, no new", Nil, CR, false, CR},
		{"T2 non-CR/non-PD, no new", Nil, NN, false, NN},
		{"T2 not all evaluated, no new", Nil, NE, false, NE},
		{"T2 unequivocal PD", Nil, PD, false, PD},
		{"T2 unequivocal PD, new", Nil, PD, true, PD},
		{"T2 any, new", Nil, NN, true, PD},
		{"T2 CR, new", Nil, CR, true, PD},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, recist.OverallResponse(tc.target, tc.nonTarget, tc.newLesion))
		})
	}
}

// TestEvaluateTables walks rows of Tables 1 and 2 through Evaluate, so the
// non-target and new-lesion assessments feed the tables as they should.
func TestEvaluateTables(t *testing.T) {
	cases := []struct {
		name           string
		tps            []string
		target, nonTgt []R
		overall        []R
	}{
		{"CR + non-target CR", []string{"T1=30 NT1=present", "T1=0 NT1=absent"}, []R{CR}, []R{CR}, []R{CR}},
		{"CR + non-target node < 10 mm is CR", []string{"T1=30 NN1=12", "T1=0 NN1=9.9"}, []R{CR}, []R{CR}, []R{CR}},
		{"CR + non-target node 10 mm is PR", []string{"T1=30 NN1=12", "T1=0 NN1=10"}, []R{CR}, []R{NN}, []R{PR}},
		{"CR + non-target persisting is PR", []string{"T1=30 NT1=present", "T1=0 NT1=present"}, []R{CR}, []R{NN}, []R{PR}},
		{"CR + non-target not evaluated is PR", []string{"T1=30 NT1=present", "T1=0 NT1=ne"}, []R{CR}, []R{NE}, []R{PR}},
		{"CR + non-target missing is PR", []string{"T1=30 NT1=present", "T1=0"}, []R{CR}, []R{NE}, []R{PR}},
		{"PR + non-target not evaluated is PR", []string{"T1=30 NT1=present", "T1=20 NT1=ne"}, []R{PR}, []R{NE}, []R{PR}},
		{"SD + non-target persisting is SD", []string{"T1=30 NT1=present", "T1=28 NT1=present"}, []R{SD}, []R{NN}, []R{SD}},
		{"NE target + non-PD is NE", []string{"T1=30 T2=30 NT1=present", "T1=28 NT1=present"}, []R{NE}, []R{NN}, []R{NE}},
		{"non-target unequivocal progression is PD", []string{"T1=30 NT1=present", "T1=10 NT1=pd"}, []R{PR}, []R{PD}, []R{PD}},
		{"non-target PD wins over another not evaluated", []string{"T1=30 NT1=present NT2=present", "T1=10 NT1=pd NT2=ne"}, []R{PR}, []R{PD}, []R{PD}},
		{"new lesion is PD", []string{"T1=30", "T1=10 new=L1"}, []R{PR}, []R{Nil}, []R{PD}},
		{"new lesion gone again is not new", []string{"T1=30", "T1=10 new=L1", "T1=10 L1=absent"}, []R{PR, PR}, []R{Nil, Nil}, []R{PD, PR}},
		{"only non-targets: CR", []string{"NT1=present", "NT1=absent"}, []R{Nil}, []R{CR}, []R{CR}},
		{"only non-targets: non-CR/non-PD", []string{"NT1=present", "NT1=present"}, []R{Nil}, []R{NN}, []R{NN}},
		{"only non-targets: not all evaluated", []string{"NT1=present NT2=present", "NT1=present"}, []R{Nil}, []R{NE}, []R{NE}},
		{"only non-targets: unequivocal PD", []string{"NT1=present", "NT1=pd"}, []R{Nil}, []R{PD}, []R{PD}},
		{"only non-targets: new lesion", []string{"NT1=present", "NT1=absent new=L1"}, []R{Nil}, []R{CR}, []R{PD}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := recist.Evaluate(course(t, nil, tc.tps...), recist.Options{})
			var nt []R
			for _, tp := range r.TimePoints {
				nt = append(nt, tp.NonTarget)
			}
			require.Equal(t, tc.target, targets(r))
			require.Equal(t, tc.nonTgt, nt)
			require.Equal(t, tc.overall, overall(r))
		})
	}
}

func TestEquivocalNewLesionDatedBack(t *testing.T) {
	s := course(t, nil, "T1=30", "T1=20 new?=L1", "T1=20 new?=L1", "T1=20 new=L1")
	r := recist.Evaluate(s, recist.Options{})
	var asAssessed []R
	var news []recist.NewLesions
	for _, tp := range r.TimePoints {
		asAssessed = append(asAssessed, tp.AsAssessed)
		news = append(news, tp.New)
	}
	require.Equal(t, []R{PR, PR, PD}, asAssessed)
	require.Equal(t, []R{PD, PD, PD}, overall(r))
	require.Equal(t, []recist.NewLesions{recist.NewEquivocal, recist.NewEquivocal, recist.NewUnequivocal}, news)
	require.True(t, r.Progressed)
	require.Equal(t, s.TimePoints[1].Date, r.ProgressionDate, "PD dated back to first detection")
	require.Equal(t, recist.Best{Response: PD, Date: s.TimePoints[1].Date}, r.Best)

	t.Run("equivocal lesion that resolves is never PD", func(t *testing.T) {
		r := recist.Evaluate(course(t, nil, "T1=30", "T1=20 new?=L1", "T1=20 L1=absent"), recist.Options{})
		require.Equal(t, []R{PR, PR}, overall(r))
		require.False(t, r.Progressed)
	})
}
