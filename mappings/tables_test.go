package mappings_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/trialfhir/trialfhir/mappings"
)

// vocab is the key contract of VOCAB.md (trial/eligibility reads these).
var vocab = map[string]string{
	mappings.KindLab: `anc platelets hemoglobin bilirubin-total ast alt creatinine crcl-reported inr pt pt-percent pt-ratio
		tsh ft4 ft3 t3-total troponin-i troponin-t ck ck-mb-mass ck-mb-activity ldh hbdh myoglobin hcg-urine hcg-serum
		hcg-quant hbsag anti-hbc anti-hbs hbv-dna hbv-dna-presence hcv-ab hcv-rna hcv-rna-presence hiv glucose-fasting
		glucose urine-protein-dipstick urine-protein-24h bp-systolic bp-diastolic body-weight body-height
		pregnancy-status breastfeeding nyha-class ctcae-grade asa-class anesthesia-ga-tolerable
		contraception-agreement menopause-status`,
	mappings.KindCondition: `cancer-oral cancer-oral-review cancer-head-neck-other malignancy malignancy-metastasis
		malignancy-history in-situ hiv hbv hcv autoimmune transplant-allogeneic transplant-cornea transplant-review
		tb-pulmonary tb-respiratory-other tb-latent cirrhosis liver-decompensation active-hepatitis chronic-hbv-active
		heart-failure arrhythmia-excluding unstable-angina mi mi-old stroke tia ild pneumonitis pneumonitis-radiation
		infection-active diverticulitis abdominal-abscess intestinal-obstruction pregnancy lactation diabetes
		hypertension psychiatric-severe other-severe-systemic immune-related-ae postmenopausal site:oral
		site:head-neck-other`,
	mappings.KindMedication: `pd1-inhibitor pdl1-inhibitor nab-paclitaxel paclitaxel docetaxel cisplatin carboplatin
		nedaplatin lobaplatin gcsf gm-csf esa tpo-agent transfusion-product replacement-levothyroxine
		replacement-insulin replacement-hydrocortisone immunosuppressant systemic-steroid hbv-antiviral
		anti-infective anticoagulant`,
	mappings.KindProcedure: `transfusion transplant-allogeneic transplant-autologous transplant-cornea hsct-allogeneic
		hsct-autologous hysterectomy sterilisation bilateral-oophorectomy primary-resection neck-dissection`,
	mappings.KindMorphology: `scc other`,
	mappings.KindStage:      `group/clinical group/pathologic group/ t/clinical n/clinical m/clinical t/pathologic n/pathologic m/pathologic`,
}

func TestDefaultKeysAreVocabulary(t *testing.T) {
	tables := mappings.Default()
	for kind, list := range vocab {
		allowed := map[string]bool{}
		for _, k := range strings.Fields(list) {
			allowed[k] = true
		}
		t.Run(kind, func(t *testing.T) {
			keys := tables.Keys(kind)
			require.NotEmpty(t, keys)
			for _, k := range keys {
				require.True(t, allowed[k], "key %q of %s tables is not in VOCAB", k, kind)
			}
		})
	}
	t.Run("result keys scope known concepts", func(t *testing.T) {
		concepts := map[string]bool{"recist": true}
		for _, k := range strings.Fields(vocab[mappings.KindLab]) {
			concepts[k] = true
		}
		for _, k := range tables.Keys(mappings.KindResult) {
			if c, _, scoped := strings.Cut(k, ":"); scoped {
				require.True(t, concepts[c], "result key %q", k)
			}
		}
	})
	t.Run("every quantitative concept has a unit table", func(t *testing.T) {
		for _, c := range tables.Concepts() {
			require.Contains(t, vocab[mappings.KindLab], c)
			require.NotEmpty(t, tables.CanonicalUnit(c))
		}
	})
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
}

func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "b-site.tsv", "# Hospital B\nkind\tsystem\tcode\tkey\treplaces\tnote\n"+
		"lab\thisb\tK-77\thbv-dna\t-\tlocal HBV DNA code\n"+
		"condition\ticd10\tC05.8\tcancer-oral\tcancer-oral-review\tthis site codes hard palate lesions as C05.8\n"+
		"concept\tcanonical\tfrom\tfactor\tnote\n"+
		"hbv-dna\t[IU]/mL\t{copies}/mL\t1/5.82\tsite assay factor\n")
	write(t, dir, "a-systems.tsv", "alias\turi\tmatch\tparent\tnote\nhisb\thttp://hospital-b.example/his\texact\t-\t\n")
	write(t, dir, "c.json", `{"codes":[{"kind":"medication","system":"text","code":"某某单抗","key":"pd1-inhibitor"}]}`)
	tables, err := mappings.LoadDir(dir)
	require.NoError(t, err)

	k, ok := tables.LabConcept("http://hospital-b.example/his", "K-77", "")
	require.True(t, ok)
	require.Equal(t, "hbv-dna", k)
	require.Equal(t, []string{"cancer-oral", "malignancy"},
		tables.ConditionCategories([]mappings.Coding{{System: "http://hl7.org/fhir/sid/icd-10", Code: "C05.8"}}, ""))
	require.Equal(t, []string{"pd1-inhibitor"}, tables.MedicationClasses(nil, "注射用某某单抗"))
	// A row for an existing concept adds a conversion; the first listed
	// conversion for a unit wins, so the protocol's 1/5 stays.
	q, problem := tables.Normalise("hbv-dna", rat("1000"), "copies/mL", "")
	require.Empty(t, problem)
	require.Zero(t, rat("200").Cmp(q.Value))
	// The defaults are untouched.
	require.Equal(t, []string{"cancer-oral-review", "malignancy"},
		mappings.Default().ConditionCategories([]mappings.Coding{{System: "http://hl7.org/fhir/sid/icd-10", Code: "C05.8"}}, ""))
}

func TestLoadDirErrors(t *testing.T) {
	cases := []struct{ name, file, content, want string }{
		{"unknown header", "x.tsv", "foo\tbar\n", "no header line"},
		{"unknown kind", "x.tsv", "kind\tsystem\tcode\tkey\nlabs\tloinc\t1-1\tanc\n", "unknown kind"},
		{"unknown alias", "x.tsv", "kind\tsystem\tcode\tkey\nlab\tmylis\t1\tanc\n", "unknown system alias"},
		{"bad range", "x.tsv", "kind\tsystem\tcode\tkey\ncondition\ticd10\tC00..D10\tmalignancy\n", "bad code range"},
		{"canonical contradiction", "x.tsv", "concept\tcanonical\tfrom\tfactor\nhemoglobin\tg/L\t-\t-\n", "contradicts"},
		{"bad factor", "x.tsv", "concept\tcanonical\tfrom\tfactor\nhemoglobin\tg/dL\tmmol/L\tabc\n", "bad factor"},
		{"not UCUM", "x.tsv", "concept\tcanonical\tfrom\tfactor\nhemoglobin\tg/dL\tgrams\t1\n", "not UCUM"},
		{"bad match", "x.tsv", "alias\turi\tmatch\nfoo\thttp://foo\tfuzzy\n", "match must be"},
		{"bad JSON", "x.json", `{"codes":[{"kind":"lab","sys":"x"}]}`, "unknown field"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, tc.file, tc.content)
			_, err := mappings.LoadDir(dir)
			require.ErrorContains(t, err, tc.want)
		})
	}
	_, err := mappings.LoadDir(filepath.Join(t.TempDir(), "missing"))
	require.Error(t, err)
}
