package pagehook

import (
	"errors"
	"fmt"
	"net/url"
)

// Validate reports what would make every page fail, each problem by its
// key (url, token) so that config validation can name it in full.
func (c Config) Validate() error {
	var errs []error
	switch u, err := url.Parse(c.URL); {
	case c.URL == "":
		errs = append(errs, errors.New("url: empty; give the http(s) URL that takes the pages, or remove paging.webhook"))
	case err != nil:
		errs = append(errs, fmt.Errorf("url: %q is not a URL: %w", c.URL, err))
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		errs = append(errs, fmt.Errorf("url: %q; write an absolute http or https URL such as https://pager.example.com/hook", c.URL))
	}
	return errors.Join(errs...)
}
