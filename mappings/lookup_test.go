package mappings_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/trialfhir/trialfhir/mappings"
)

const (
	loinc   = "http://loinc.org"
	snomed  = "http://snomed.info/sct"
	icd10   = "http://hl7.org/fhir/sid/icd-10"
	icd10cm = "http://hl7.org/fhir/sid/icd-10-cm"
	icd10cn = "https://trialfhir.org/fhir/sid/icd-10-cn"
	atc     = "http://www.whocc.no/atc"
)

func TestLabConcept(t *testing.T) {
	tables := mappings.Default()
	cases := []struct{ name, system, code, text, want string }{
		{"LOINC ANC", loinc, "751-8", "", "anc"},
		{"LOINC manual ANC", loinc, "753-4", "", "anc"},
		{"LOINC Hb moles", loinc, "59260-0", "", "hemoglobin"},
		{"oximetry Hb is avoided", loinc, "55782-7", "", ""},
		{"LOINC fasting glucose", loinc, "1558-6", "", "glucose-fasting"},
		{"Chinese name", "", "", "中性粒细胞绝对值", "anc"},
		{"Chinese name with spaces", "", "", " 血红蛋白 ", "hemoglobin"},
		{"full-width name", "", "", "ＨＧＢ", "hemoglobin"},
		{"case-folded English", "", "", "Total Bilirubin", "bilirubin-total"},
		{"24-h urine protein", "", "", "24小时尿蛋白定量", "urine-protein-24h"},
		{"fasting glucose name", "", "", "空腹血糖", "glucose-fasting"},
		{"PT is seconds", "", "", "凝血酶原时间", "pt"},
		{"PT activity is not PT", "", "", "凝血酶原活动度", "pt-percent"},
		{"project local code", "https://trialfhir.org/fhir/CodeSystem/trialfhir-observation", "ctcae-grade", "", "ctcae-grade"},
		{"unknown code falls back to text", "http://hospital.example/lis", "X1", "血小板", "platelets"},
		{"unknown", loinc, "0000-0", "something", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := tables.LabConcept(tc.system, tc.code, tc.text)
			require.Equal(t, tc.want != "", ok)
			require.Equal(t, tc.want, got)
		})
	}
}

func TestConditionCategories(t *testing.T) {
	tables := mappings.Default()
	c := func(system, code string) []mappings.Coding { return []mappings.Coding{{System: system, Code: code}} }
	cases := []struct {
		name    string
		codings []mappings.Coding
		text    string
		want    []string
	}{
		{"oral tongue", c(icd10, "C02.1"), "", []string{"cancer-oral", "malignancy"}},
		{"Chinese clinical edition", c(icd10cn, "C02.100x001"), "", []string{"cancer-oral", "malignancy"}},
		{"ICD-10-CM without dot", c(icd10cm, "C021"), "", []string{"cancer-oral", "malignancy"}},
		{"lingual tonsil is not oral", c(icd10, "C02.4"), "", []string{"cancer-head-neck-other", "malignancy"}},
		{"hard palate", c(icd10, "C05.0"), "", []string{"cancer-oral", "malignancy"}},
		{"soft palate", c(icd10, "C05.1"), "", []string{"cancer-head-neck-other", "malignancy"}},
		{"palate unspecified: review", c(icd10, "C05.9"), "", []string{"cancer-oral-review", "malignancy"}},
		{"external lip: review", c(icd10, "C00.1"), "", []string{"cancer-oral-review", "malignancy"}},
		{"mucosal lip", c(icd10, "C00.4"), "", []string{"cancer-oral", "malignancy"}},
		{"base of tongue", c(icd10, "C01"), "", []string{"cancer-head-neck-other", "malignancy"}},
		{"nodal metastasis is secondary", c(icd10, "C77.0"), "", []string{"malignancy-metastasis"}},
		{"in situ", c(icd10, "D04.3"), "", []string{"in-situ"}},
		{"history", c(icd10, "Z85.8"), "", []string{"malignancy-history"}},
		{"cornea allowed", c(icd10, "Z94.7"), "", []string{"transplant-cornea"}},
		{"kidney transplant", c(icd10, "Z94.0"), "", []string{"transplant-allogeneic"}},
		{"WHO Z94.8 review", c(icd10, "Z94.8"), "", []string{"transplant-review"}},
		{"CM Z94.84 review", c(icd10cm, "Z94.84"), "", []string{"transplant-review"}},
		{"WHO K65.0 abscess", c(icd10, "K65.0"), "", []string{"abdominal-abscess"}},
		{"CM K65.0 is peritonitis", c(icd10cm, "K65.0"), "", nil},
		{"CM K65.1 abscess", c(icd10cm, "K65.1"), "", []string{"abdominal-abscess"}},
		{"persistent AF", c(icd10, "I48.1"), "", []string{"arrhythmia-excluding"}},
		{"CM longstanding persistent AF", c(icd10cm, "I48.11"), "", []string{"arrhythmia-excluding"}},
		{"permanent AF is review", c(icd10, "I48.2"), "", []string{"other-severe-systemic"}},
		{"old MI", c(icd10, "I25.2"), "", []string{"mi-old"}},
		{"type 1 diabetes", c(icd10, "E10.9"), "", []string{"autoimmune", "diabetes"}},
		{"Hashimoto as irAE", c(icd10, "E06.3"), "免疫相关性甲状腺炎", []string{"immune-related-ae"}},
		{"lactation is not pregnancy", c(icd10, "O92.7"), "", []string{"lactation"}},
		{"HBV chronic", c(icd10, "B18.1"), "", []string{"hbv"}},
		{"SNOMED HIV", c(snomed, "86406008"), "", []string{"hiv"}},
		{"Chinese text only", nil, "舌鳞状细胞癌", []string{"cancer-oral", "malignancy"}},
		{"base of tongue text", nil, "舌根癌", []string{"cancer-head-neck-other", "malignancy"}},
		{"precancerous text", nil, "口腔癌前病变", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tables.ConditionCategories(tc.codings, tc.text))
		})
	}
}

func TestMorphology(t *testing.T) {
	tables := mappings.Default()
	icdo := "http://terminology.hl7.org/CodeSystem/icd-o-3"
	require.Equal(t, "scc", tables.Morphology([]mappings.Coding{{System: icdo, Code: "8071/3"}}))
	require.Equal(t, "scc", tables.Morphology([]mappings.Coding{{System: icdo, Code: "M8083/3"}}))
	require.Equal(t, "", tables.Morphology([]mappings.Coding{{System: icdo, Code: "8077/2"}}), "8077 has no /3")
	require.Equal(t, "scc", tables.Morphology(nil, "高分化鳞状细胞癌"))
	require.Equal(t, "other", tables.Morphology(nil, "腺样囊性癌"))
	require.Equal(t, "", tables.Morphology(nil, "舌恶性肿瘤"))
}

func TestMedicationClasses(t *testing.T) {
	tables := mappings.Default()
	cases := []struct {
		name    string
		codings []mappings.Coding
		texts   []string
		want    []string
	}{
		{"pembrolizumab ATC", []mappings.Coding{{System: atc, Code: "L01FF02"}}, nil, []string{"pd1-inhibitor"}},
		{"durvalumab is PD-L1", nil, []string{"度伐利尤单抗注射液"}, []string{"pdl1-inhibitor"}},
		{"Chinese PD-1", nil, []string{"注射用卡瑞利珠单抗"}, []string{"pd1-inhibitor"}},
		{"paclitaxel ATC only", []mappings.Coding{{System: atc, Code: "L01CD01"}}, nil, []string{"paclitaxel"}},
		{"nab by Chinese name", []mappings.Coding{{System: atc, Code: "L01CD01"}}, []string{"注射用紫杉醇（白蛋白结合型）"}, []string{"nab-paclitaxel"}},
		{"nab by dose form", nil, []string{"paclitaxel 100 MG", "Injectable Suspension"}, []string{"nab-paclitaxel"}},
		{"nab by brand", nil, []string{"Abraxane"}, []string{"nab-paclitaxel"}},
		{"liposomal paclitaxel is not nab", nil, []string{"紫杉醇脂质体"}, []string{"paclitaxel"}},
		{"carboplatin", nil, []string{"卡铂注射液"}, []string{"carboplatin"}},
		{"PEG-rhG-CSF", nil, []string{"聚乙二醇化重组人粒细胞刺激因子注射液"}, []string{"gcsf"}},
		{"GM-CSF is not G-CSF", nil, []string{"重组人粒细胞巨噬细胞集落刺激因子"}, []string{"gm-csf"}},
		{"rhTPO is not a transfusion", nil, []string{"重组人血小板生成素注射液"}, []string{"tpo-agent"}},
		{"platelet transfusion product", nil, []string{"单采血小板"}, []string{"transfusion-product"}},
		{"hydrocortisone is replacement", []mappings.Coding{{System: atc, Code: "H02AB09"}}, nil, []string{"replacement-hydrocortisone"}},
		{"dexamethasone", []mappings.Coding{{System: atc, Code: "H02AB02"}}, nil, []string{"systemic-steroid"}},
		{"entecavir", nil, []string{"恩替卡韦分散片"}, []string{"hbv-antiviral"}},
		{"tenofovir is also anti-infective by ATC", []mappings.Coding{{System: atc, Code: "J05AF07"}}, nil, []string{"anti-infective", "hbv-antiviral"}},
		{"unknown", nil, []string{"维生素C"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.want, tables.MedicationClasses(tc.codings, tc.texts...))
		})
	}
}

func TestProcedureAndResult(t *testing.T) {
	tables := mappings.Default()
	require.Equal(t, []string{"transfusion"}, tables.ProcedureClasses([]mappings.Coding{{System: snomed, Code: "116859006"}}))
	require.Equal(t, []string{"transfusion"}, tables.ProcedureClasses([]mappings.Coding{{System: "http://hl7.org/fhir/sid/icd-9-cm", Code: "99.04"}}))
	require.Equal(t, []string{"hysterectomy"}, tables.ProcedureClasses(nil, "全子宫切除术"))
	require.Equal(t, []string{"hsct-allogeneic"}, tables.ProcedureClasses(nil, "异基因造血干细胞移植"))

	cases := []struct{ name, concept, system, code, text, want string }{
		{"SNOMED positive", "hbsag", snomed, "10828004", "", "positive"},
		{"LOINC negative", "hiv", loinc, "LA6577-6", "", "negative"},
		{"Chinese negative", "hcv-ab", "", "", "阴性", "negative"},
		{"plus on serology", "hbsag", "", "", "+", "positive"},
		{"plus on dipstick", "urine-protein-dipstick", "", "", "+", "1+"},
		{"double plus is 2+", "urine-protein-dipstick", "", "", "++", "2+"},
		{"NYHA SNOMED", "nyha-class", snomed, "421704003", "", "2"},
		{"breastfeeding yes", "breastfeeding", loinc, "LA33-6", "", "yes"},
		{"pregnant", "pregnancy-status", snomed, "77386006", "", "pregnant"},
		{"unknown", "hbsag", "", "", "see report", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var codings []mappings.Coding
			if tc.code != "" {
				codings = []mappings.Coding{{System: tc.system, Code: tc.code}}
			}
			got, ok := tables.Result(tc.concept, codings, tc.text)
			require.Equal(t, tc.want != "", ok)
			require.Equal(t, tc.want, got)
		})
	}
}
