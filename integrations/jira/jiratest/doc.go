// Package jiratest is a stateful, in-process fake of Jira Server / Data
// Center (REST API v2) for tests that need a ticket system.
//
// It answers the calls github.com/andygrunwald/go-jira v1.17.0 makes, with
// the status codes, headers and bodies of the wire contract in
// /work/shared/contracts/jira.md: 201 on create, 200 (not 201) with a JSON
// array on attachment upload, 204 on transition, 404 with Jira's error body
// for an unknown issue, 401 without credentials, 403 when the XSRF header is
// missing, 413 over the attachment size limit.
//
//	srv := jiratest.New(t, jiratest.Options{})
//	opts := srv.Options()
//	tp := jira.BasicAuthTransport{Username: opts.User, Password: opts.Token}
//	client, _ := jira.NewClient(tp.Client(), srv.URL())
//
// It holds one project, OPS, unless Options.Projects names more: each has
// its own key numbering, issue types, JQL project clause, project and
// createmeta resources.
//
// Tests inspect what the code under test did with Issue, Issues and
// Requests; they break Jira on purpose with FailNext, Inject and SetDown;
// and they play the humans working in Jira with CreateIssueAsUser,
// TransitionAsUser and CommentAsUser, which return the webhook a real Jira
// would send. Deliver and Redeliver POST such a webhook the way Jira does,
// signed with X-Hub-Signature when a secret is given.
//
// Every change, whether made through the API or as a user, is also kept as
// the webhook Jira would have sent (Events), so a test can feed the service
// its own comments back and check that it ignores them.
package jiratest
