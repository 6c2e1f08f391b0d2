package recist_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/trialfhir/trialfhir/trial/recist"
)

func TestCheckBaseline(t *testing.T) {
	cases := []struct {
		name     string
		modality recist.Modality
		slice    string // "" = not recorded
		lesions  string
		want     []string // finding codes
	}{
		{"10 mm on CT with 5 mm slices is measurable", recist.ModalityCT, "5", "T1=10", nil},
		{"9.9 mm on CT is not measurable", recist.ModalityCT, "5", "T1=9.9", []string{recist.FindingNotMeasurable}},
		{"thick slices need 2x slice thickness", recist.ModalityCT, "8", "T1=15.9", []string{recist.FindingNotMeasurable}},
		{"thick slices: exactly 2x slice thickness", recist.ModalityMRI, "8", "T1=16", nil},
		{"unknown slice thickness is flagged and taken as <= 5 mm", recist.ModalityCT, "", "T1=10", []string{recist.FindingSliceUnknown}},
		{"chest X-ray needs 20 mm", recist.ModalityXRay, "", "T1=19.9", []string{recist.FindingNotMeasurable}},
		{"chest X-ray 20 mm", recist.ModalityXRay, "", "T1=20", nil},
		{"calliper needs 10 mm", recist.ModalityClinical, "", "T1=10 T2=9.5", []string{recist.FindingNotMeasurable}},
		{"node short axis 15 mm is a measurable target", recist.ModalityCT, "5", "N1=15", nil},
		{"node short axis 14.9 mm cannot be a target", recist.ModalityCT, "5", "N1=14.9", []string{recist.FindingNotMeasurable}},
		{"pathological node 10-15 mm as non-target is fine", recist.ModalityCT, "5", "T1=20 NN1=12", nil},
		{"node < 10 mm is normal, not a lesion", recist.ModalityCT, "5", "T1=20 NN1=9", []string{recist.FindingNormalNode}},
		{"five targets", recist.ModalityCT, "5", "T1=20 T2=20 T3=20 T4=20 T5=20", nil},
		{"six targets", recist.ModalityCT, "5", "T1=20 T2=20 T3=20 T4=20 T5=20 T6=20", []string{recist.FindingTooManyTargets}},
		{"two per organ", recist.ModalityCT, "5", "T1@liver=20 T2@liver=20", nil},
		{"three in one organ", recist.ModalityCT, "5", "T1@liver=20 T2@liver=20 T3@liver=20", []string{recist.FindingTooManyPerOrgan}},
		{"all lymph nodes are one organ", recist.ModalityCT, "5", "N1@neck=20 N2@axilla=20 N3@groin=20", []string{recist.FindingTooManyPerOrgan}},
		{"target must be present at baseline", recist.ModalityCT, "5", "T1=0", []string{recist.FindingBaselineStatus}},
		{"new lesion at baseline", recist.ModalityCT, "5", "T1=20 new=L1", []string{recist.FindingNewAtBaseline}},
		{"duplicate lesion", recist.ModalityCT, "5", "T1=20 T1=21", []string{recist.FindingDuplicateLesion}},
		{"split fragments add up to measurable", recist.ModalityCT, "5", "T1=split:6 T1=split:5", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tp := recist.TimePoint{Date: day0, Modality: tc.modality}
			if tc.slice != "" {
				tp.SliceThickness = mm(t, tc.slice)
			}
			for _, tok := range strings.Fields(tc.lesions) {
				tp.Lesions = append(tp.Lesions, lesion(t, tok))
			}
			require.Equal(t, tc.want, codes(recist.CheckBaseline(tp)))
		})
	}
}

func TestFollowUpFindings(t *testing.T) {
	s := course(t, nil, "T1=20 T2=20 NT1=present", "T1=20 NT1=present T9=10", "T1=20 T2=20 NT1=present T2=5")
	s.TimePoints[1].Modality = recist.ModalityMRI
	s.TimePoints[2].Lesions[3].Role = recist.RoleNonTarget
	s.TimePoints[2].Lesions[3].LesionID = "T1"
	r := recist.Evaluate(s, recist.Options{})
	require.Equal(t, []string{
		recist.FindingModalitySwitch,
		recist.FindingUnknownLesion,
		recist.FindingTargetMissing,
		recist.FindingDuplicateLesion,
		recist.FindingRoleChanged,
	}, codes(r.Findings))
	require.True(t, r.HasErrors())
	require.Equal(t, []R{NE, NE}, overall(r), "a duplicate target record is not guessed")
}

func TestBaselineTargetNotMeasured(t *testing.T) {
	r := recist.Evaluate(course(t, nil, "T1=20 T2=tiny", "T1=10 T2=0"), recist.Options{})
	require.Equal(t, []string{recist.FindingBaselineStatus}, codes(r.Findings))
	require.Equal(t, []R{NE}, targets(r))
	require.Nil(t, r.TimePoints[0].PctBaseline)
}

func TestNoDisease(t *testing.T) {
	r := recist.Evaluate(course(t, nil, "", "new=L1"), recist.Options{})
	require.Equal(t, 0, r.Table)
	require.Equal(t, []string{recist.FindingNoDisease}, codes(r.Findings))
	require.Equal(t, []R{PD}, overall(r))

	r = recist.Evaluate(recist.Subject{ID: "empty"}, recist.Options{})
	require.Equal(t, recist.NE, r.Best.Response)
	require.Equal(t, []string{recist.FindingNoBaseline}, codes(r.Findings))
}
