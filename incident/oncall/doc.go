// Package oncall answers "who is on call at time t" and "who is next, and
// from when" for warroom's on-call schedules.
//
// A Schedule stacks Layers, each driven by a Rotation of members handing off
// at a local wall-clock time in an IANA time zone, optionally restricted to a
// Window (e.g. business hours). Overrides put one user on call for a fixed
// span of absolute time. Precedence, highest first:
//
//  1. an active Override (the one that started latest; on a tie, the one
//     listed last);
//  2. the last Layer in Schedule.Layers that has someone on call at t;
//  3. nobody.
//
// Day- and week-based rotations step in local calendar days, so a weekly
// rotation hands off at 09:00 local every week and the shift across a
// daylight-saving change lasts 167 or 169 hours. Hour-based rotations step in
// absolute time and therefore drift against the wall clock across such a
// change.
//
// The types are plain data meant to be filled from configuration; call
// Schedule.Validate when loading it. The query methods treat an invalid
// schedule as having nobody on call.
package oncall
