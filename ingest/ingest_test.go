package ingest_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conflictgraph/conflictgraph/domain"
	"github.com/conflictgraph/conflictgraph/ingest"
)

func TestSlug(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Military Forces of Mali (2021-)", "military-forces-of-mali-2021"},
		{"JNIM: Jama'at Nusrat al-Islam wal-Muslimin", "jnim-jamaat-nusrat-al-islam-wal-muslimin"},
		{"Anṣār al-Islām", "ansar-al-islam"},
		{"Ансар Дин", "ансар-дин"},
		{"東京 Observer Mission", "東京-observer-mission"},
		{"U.S. Army", "us-army"},
		{"---", ""},
		{strings.Repeat("word ", 40), strings.TrimSuffix(strings.Repeat("word-", 20), "-")},
	}
	for _, tt := range tests {
		got := ingest.Slug(tt.name)
		if got != tt.want {
			t.Errorf("Slug(%q) = %q, want %q", tt.name, got, tt.want)
		}
		if got != "" && !domain.IsSlug(got) {
			t.Errorf("Slug(%q) = %q is not a slug", tt.name, got)
		}
	}
}

func TestRecordID(t *testing.T) {
	tests := []struct {
		prefix, key   string
		caseSensitive bool
		want          string // "" when only its shape is checked
	}{
		{"acled", "MLI12345", false, "acled-mli12345"},
		{"ucdp-ged", "400001", false, "ucdp-ged-400001"},
		{"ftm", "ofac-12345", true, "ftm-ofac-12345"},
		{"ftm", "NK-2Bqzs9", true, ""},
		{"ftm", strings.Repeat("x", 150), true, ""},
	}
	for _, tt := range tests {
		got := ingest.RecordID(tt.prefix, tt.key, tt.caseSensitive)
		if (tt.want != "" && got != tt.want) || !domain.IsSlug(got) {
			t.Errorf("RecordID(%q, %q) = %q, want %q and a slug", tt.prefix, tt.key, got, tt.want)
		}
	}
	// Keys that differ by case alone, or by punctuation, stay apart.
	for _, pair := range [][2]string{{"NK-abc", "NK-ABC"}, {"a.b", "a-b"}} {
		if ingest.RecordID("ftm", pair[0], true) == ingest.RecordID("ftm", pair[1], true) {
			t.Errorf("%q and %q give one id", pair[0], pair[1])
		}
	}
}

func TestQuoteCutsAtASentenceOrWord(t *testing.T) {
	sentence := "The first sentence is short. "
	long := sentence + strings.Repeat("word ", 200)
	tests := []struct {
		name, text, wantEnd string
	}{
		{"fits", "A short note.\nOn two lines.", "A short note. On two lines."},
		{"sentence", strings.Repeat("A sentence of some length. ", 30), "length. " + ingest.Ellipsis},
		{"word", long, "word " + ingest.Ellipsis},
		{"no space", strings.Repeat("é", 400), "é" + ingest.Ellipsis},
	}
	for _, tt := range tests {
		q := ingest.Quote(tt.text)
		if len(q) > domain.MaxQuoteLength || !strings.HasSuffix(q, tt.wantEnd) {
			t.Errorf("%s: Quote gives %d bytes ending %q, want at most %d ending %q", tt.name, len(q), q[max(0, len(q)-20):], domain.MaxQuoteLength, tt.wantEnd)
		}
		if p := domain.ValidateCitations([]domain.Citation{{SourceID: "s", Quote: q}}); len(p) > 0 {
			t.Errorf("%s: %v", tt.name, p)
		}
	}
}

func TestParseDate(t *testing.T) {
	tests := []struct{ in, want string }{
		{"2021-12-25", "2021-12-25"}, {"2021-12-25T10:00:00", "2021-12-25"}, {"25 December 2021", "2021-12-25"},
		{"05 March 2021", "2021-03-05"}, {"5 Mar 2021", "2021-03-05"}, {"December 25, 2021", "2021-12-25"},
		{"2021-12", "2021-12"}, {"2021", "2021"},
	}
	for _, tt := range tests {
		d, err := ingest.ParseDate(tt.in)
		if err != nil || d.String() != tt.want {
			t.Errorf("ParseDate(%q) = %s, %v; want %s", tt.in, d, err, tt.want)
		}
	}
	for _, bad := range []string{"", "2021-02-30", "25/12/2021", "yesterday"} {
		if _, err := ingest.ParseDate(bad); domain.ErrorCode(err) != domain.CodeInvalid {
			t.Errorf("ParseDate(%q): %v, want INVALID", bad, err)
		}
	}
}

func TestSpanAndCoarsen(t *testing.T) {
	d := domain.MustPartialDate
	tests := []struct{ from, to, want string }{
		{"2019-09-30", "2019-09-30", "2019-09-30"}, {"2022-03-08", "2022-03-10", "2022-03"},
		{"2018-04-29", "2018-05-02", "2018"}, {"2018-12-30", "2019-01-02", ""},
	}
	for _, tt := range tests {
		if got := ingest.Span(d(tt.from), d(tt.to)); got.String() != tt.want {
			t.Errorf("Span(%s, %s) = %q, want %q", tt.from, tt.to, got, tt.want)
		}
	}
	if got := ingest.Coarsen(d("2022-03-27"), domain.PrecisionMonth); got != d("2022-03") {
		t.Errorf("Coarsen to the month: %s", got)
	}
	if got := ingest.Coarsen(d("2022-03"), domain.PrecisionDay); got != d("2022-03") {
		t.Errorf("Coarsen never makes a date finer: %s", got)
	}
}

func TestCertaintyOf(t *testing.T) {
	tests := []struct {
		text string
		want domain.Certainty
	}{
		{"On 3 March, JNIM militants attacked the camp. 12 fatalities were reported.", domain.CertaintyStated},
		{"Ansarul Islam claimed responsibility for the attack.", domain.CertaintyClaimed},
		{"The attack was claimed by IS-Sahel.", domain.CertaintyClaimed},
		{"Soldiers allegedly executed civilians.", domain.CertaintyAlleged},
		{"Villagers accused the militia of the killings.", domain.CertaintyAlleged},
		{"Suspected JNIM militants attacked the post.", domain.CertaintyReported},
		{"Gunmen reportedly killed five.", domain.CertaintyReported},
		{"The claim that the army retreated is false.", domain.CertaintyStated},
	}
	for _, tt := range tests {
		if got := ingest.CertaintyOf(tt.text); got != tt.want {
			t.Errorf("CertaintyOf(%q) = %s, want %s", tt.text, got, tt.want)
		}
	}
}

func TestCountryISO3(t *testing.T) {
	for in, want := range map[string]string{"466": "MLI", "4": "AFG", "854": "BFA", "ML": "MLI", "MLI": "MLI", "": "", "999": "", "XX": ""} {
		if got := ingest.CountryISO3(in); got != want {
			t.Errorf("CountryISO3(%q) = %q, want %q", in, got, want)
		}
	}
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestReadMap(t *testing.T) {
	tests := []struct {
		name, file, content string
		want                map[string]string // folded name -> id; nil for an INVALID map
	}{
		{"csv", "m.csv", "\ufeffName,Entity\n# a comment\nWagner,wagner-group\n\"Military Forces of Mali (2021-)\",fama\n",
			map[string]string{"wagner": "wagner-group", "military forces of mali (2021-)": "fama"}},
		{"csv, columns in another order", "m.csv", "entity,name\nfama,FAMa\n", map[string]string{"fama": "fama"}},
		{"yaml", "m.yaml", "Wagner: wagner-group\nNK-2Bqzs9: wagner-group\n", map[string]string{"wagner": "wagner-group", "nk-2bqzs9": "wagner-group"}},
		{"csv without the header", "m.csv", "Wagner,wagner-group\n", nil},
		{"an id that is not one", "m.csv", "name,entity\nWagner,Wagner Group\n", nil},
		{"a name mapped twice", "m.csv", "name,entity\nWagner,wagner-group\nwagner,dmitry-utkin\n", nil},
		{"yaml that is a list", "m.yml", "- Wagner\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ingest.ReadMap(writeFile(t, tt.file, tt.content))
			if tt.want == nil {
				if domain.ErrorCode(err) != domain.CodeInvalid {
					t.Errorf("err = %v, want INVALID", err)
				}
				return
			}
			if err != nil || len(m) != len(tt.want) {
				t.Fatalf("map %v, %v; want %v", m, err, tt.want)
			}
			for k, v := range tt.want {
				if m[k] != v {
					t.Errorf("%q maps to %q, want %q", k, m[k], v)
				}
			}
		})
	}
}

func TestOpenFindsGzipByItsBytes(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("id,name\n1,a\n"))
	zw.Close()
	tests := []struct {
		name     string
		path     string
		stdin    io.Reader
		wantGzip bool
	}{
		{"plain file", writeFile(t, "events.csv", "id,name\n1,a\n"), nil, false},
		{"gzip file without .gz", writeFile(t, "events.csv", gz.String()), nil, true},
		{"gzip on standard input", "-", bytes.NewReader(gz.Bytes()), true},
		{"empty standard input", "-", strings.NewReader(""), false},
	}
	for _, tt := range tests {
		in, err := ingest.Open(tt.path, tt.stdin)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		b, err := io.ReadAll(in)
		in.Close()
		want := "id,name\n1,a\n"
		if tt.name == "empty standard input" {
			want = ""
		}
		if err != nil || string(b) != want || in.Gzip != tt.wantGzip {
			t.Errorf("%s: read %q, gzip %v, %v", tt.name, b, in.Gzip, err)
		}
	}
	bad := writeFile(t, "bad.gz", "\x1f\x8bnot gzip at all")
	if _, err := ingest.Open(bad, nil); err == nil {
		t.Error("a file that starts like gzip but is not opened without an error")
	}
}
