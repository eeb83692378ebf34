package backspool

import (
	"fmt"
	"testing"
)

func TestReverse(t *testing.T) {
	for _, n := range []int{0, 1, 2, 1000} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			s, err := New(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for i := 0; i < n; i++ {
				if err := s.Add([]byte(fmt.Sprintf("record %d %*s", i, i%300, ""))); err != nil {
					t.Fatal(err)
				}
			}
			want := n - 1
			err = s.Reverse(func(rec []byte) error {
				if exp := fmt.Sprintf("record %d %*s", want, want%300, ""); string(rec) != exp {
					return fmt.Errorf("got %q, want %q", rec, exp)
				}
				want--
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if want != -1 || s.Len() != n {
				t.Fatalf("%d records left unread of %d", want+1, s.Len())
			}
		})
	}
}
