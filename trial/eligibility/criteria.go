package eligibility

// Criterion is one entry of criteria.md's catalogue.
type Criterion struct {
	ID   string
	Kind Kind
	Name string // the short name of criteria.md
}

type entry struct {
	Criterion
	rule func(*eval) Result
}

// catalogue lists the criteria in criteria.md order. X1a is not listed: it
// is the same rule as I3 and criteria.md says to report it once, as I3.
var catalogue = []entry{
	{Criterion{"I1", Inclusion, "HNSCC, AJCC 8th clinical stage III-IVA"}, ruleI1},
	{Criterion{"I2a", Inclusion, "neoadjuvant regimen = PD-1 inhibitor + nab-paclitaxel + carboplatin or cisplatin"}, ruleI2a},
	{Criterion{"I2b", Inclusion, "PR or CR (RECIST 1.1) after neoadjuvant therapy"}, ruleI2b},
	{Criterion{"I3", Inclusion, "no prior or other malignant tumour"}, ruleI3},
	{Criterion{"I4", Inclusion, "age 18-75 (completed years on the index date)"}, ruleI4},
	{Criterion{"L1", Inclusion, "ANC >= 1.5 x10^9/L, no G-CSF within 14 days before the specimen"}, ruleL1},
	{Criterion{"L2", Inclusion, "platelets >= 100 x10^9/L, no blood transfusion within 14 days"}, ruleL2},
	{Criterion{"L3", Inclusion, "haemoglobin > 9 g/dL, no transfusion or erythropoietin within 14 days"}, ruleL3},
	{Criterion{"L4", Inclusion, "total bilirubin <= 1.5 x ULN"}, ruleL4},
	{Criterion{"L5", Inclusion, "AST and ALT <= 2.5 x ULN"}, ruleL5},
	{Criterion{"L6", Inclusion, "creatinine <= 1.5 x ULN and Cockcroft-Gault CrCl >= 60 mL/min"}, ruleL6},
	{Criterion{"L7", Inclusion, "INR or PT <= 1.5 x ULN"}, ruleL7},
	{Criterion{"L8", Inclusion, "TSH normal, or FT4 and (FT3 or total T3) normal"}, ruleL8},
	{Criterion{"L9", Inclusion, "myocardial enzymes normal (abnormal = investigator judgement)"}, ruleL9},
	{Criterion{"I6", Inclusion, "women of childbearing potential: negative pregnancy test within 3 days before C1D1"}, ruleI6},
	{Criterion{"I7", Inclusion, "agreement to highly effective contraception"}, ruleI7},
	{Criterion{"I8", Inclusion, "neoadjuvant adverse events resolved to grade 0-2 before surgery; fit for general anaesthesia"}, ruleI8},
	{Criterion{"I9", Inclusion, "pre-existing comorbidities acceptable to anaesthesia"}, ruleI9},
	{Criterion{"I10", Inclusion, "signed informed consent"}, ruleI10},
	{Criterion{"X1b", Exclusion, "primary tumour at neoadjuvant therapy was not oral cavity cancer"}, ruleX1b},
	{Criterion{"X2", Exclusion, "active autoimmune disease needing systemic treatment within 2 years"}, ruleX2},
	{Criterion{"X3", Exclusion, "allogeneic organ (except cornea) or allogeneic stem cell transplant"}, ruleX3},
	{Criterion{"X4", Exclusion, "known HIV"}, ruleX4},
	{Criterion{"X5", Exclusion, "untreated active hepatitis B"}, ruleX5},
	{Criterion{"X6", Exclusion, "active hepatitis C"}, ruleX6},
	{Criterion{"X7", Exclusion, "pregnant or lactating"}, ruleX7},
	{Criterion{"X8.0", Exclusion, "other severe or uncontrolled systemic disease"}, ruleX80},
	{Criterion{"X8.1", Exclusion, "cardiac disorders (severe arrhythmias, unstable angina, heart failure NYHA >= II)"}, ruleX81},
	{Criterion{"X8.2", Exclusion, "unstable angina, MI, TIA or stroke within 6 months"}, ruleX82},
	{Criterion{"X8.3", Exclusion, "blood pressure > 140 systolic or > 90 diastolic"}, ruleX83},
	{Criterion{"X8.4", Exclusion, "steroid-treated non-infectious pneumonitis within 1 year, or active ILD"}, ruleX84},
	{Criterion{"X8.5", Exclusion, "active infection needing systemic therapy, or severe uncontrolled infection"}, ruleX85},
	{Criterion{"X8.6", Exclusion, "active pulmonary tuberculosis"}, ruleX86},
	{Criterion{"X8.7", Exclusion, "active diverticulitis, intra-abdominal abscess, intestinal obstruction"}, ruleX87},
	{Criterion{"X8.8", Exclusion, "cirrhosis, decompensated liver disease, active hepatitis"}, ruleX88},
	{Criterion{"X8.9", Exclusion, "fasting blood glucose > 10 mmol/L"}, ruleX89},
	{Criterion{"X8.10", Exclusion, "urine protein >= 2+ and 24-hour urine protein > 1.0 g"}, ruleX810},
	{Criterion{"X8.11", Exclusion, "severe mental illness affecting compliance"}, ruleX811},
}

// Criteria returns the catalogue in criteria.md order (the order of
// Assessment.Results), without X1a, which is reported as I3.
func Criteria() []Criterion {
	out := make([]Criterion, len(catalogue))
	for i, c := range catalogue {
		out[i] = c.Criterion
	}
	return out
}
