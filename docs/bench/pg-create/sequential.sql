\set g random(1, 1000000000)
BEGIN;
SELECT id FROM incidents WHERE source = 'alertmanager' AND dedup_key = 'k' || :g AND dedup_key <> '' AND status IN ('open', 'acked', 'resolved') FOR NO KEY UPDATE;
INSERT INTO incidents (title, summary, severity, status, status_msg, source, dedup_key, labels, links, commander, channel_backend, channel_id, channel_name, channel_url, ticket_backend, ticket_key, ticket_url, created_at, updated_at, acked_at, acked_by, resolved_at, closed_at, closed_by, close_reason, archived_at, graph_queries, parent_id, roles) VALUES ('WarroomLoad: load test alert of g' || :g, 'load test alert of g' || :g, 'warning', 'open', '', 'alertmanager', 'k' || :g, '{"alertname":"WarroomLoad","group":"g' || :g || '","instance":"g' || :g || '.example","run":"load-20261203T120000.000","severity":"warning"}', '[]', '', '', '', '', '', '', '', '', 1, 1, NULL, '', NULL, NULL, '', '', NULL, '[]', NULL, '{}');
INSERT INTO events (incident_id, kind, actor, text, at, recorded_at, ref, from_status, to_status) VALUES (currval('incidents_id_seq'), 'declared', 'alertmanager', 'WarroomLoad: load test alert of g' || :g, 1, 1, NULL, '', '') ON CONFLICT DO NOTHING;
INSERT INTO events (incident_id, kind, actor, text, at, recorded_at, ref, from_status, to_status) VALUES (currval('incidents_id_seq'), 'alert.firing', 'alertmanager', 'WarroomLoad: load test alert of g' || :g || ' (group=g' || :g || ', instance=g' || :g || '.example, run=load-20261203T120000.000)', 1, 1, 'fp' || :g || '/1', '', '') ON CONFLICT DO NOTHING;
INSERT INTO jobs (kind, backend, incident_id, lane, key, payload, state, max_attempts, run_at, created_at, updated_at, head)
	SELECT v.kind, v.backend, v.incident_id, v.lane, v.key, nullif(v.payload, ''), 'pending', v.max_attempts, v.run_at, v.at, v.at,
		v.first AND (SELECT count(*) FROM jobs h WHERE h.incident_id = v.incident_id AND h.lane = v.lane AND h.head) = 0
	FROM unnest(ARRAY['channel.open','ticket.open','page.notify','chat.graphs','chat.post']::text[], ARRAY['chat','tickets','paging','prometheus','chat']::text[], ARRAY[currval('incidents_id_seq'),currval('incidents_id_seq'),currval('incidents_id_seq'),currval('incidents_id_seq'),currval('incidents_id_seq')]::bigint[], ARRAY['chat','ticket','notify','graphs','chat']::text[], ARRAY['a'||currval('incidents_id_seq'),'b'||currval('incidents_id_seq'),'c'||currval('incidents_id_seq'),'d'||currval('incidents_id_seq'),'e'||currval('incidents_id_seq')]::text[], ARRAY['{"x":1}','','','','{"event":1}']::text[], ARRAY[0,0,0,0,0]::int[], ARRAY[1,1,1,1,1]::bigint[], ARRAY[1,1,1,1,1]::bigint[], ARRAY[true,true,true,true,false]::bool[])
		WITH ORDINALITY AS v(kind, backend, incident_id, lane, key, payload, max_attempts, run_at, at, first, n)
	ORDER BY v.n
	ON CONFLICT (key) DO NOTHING
	RETURNING key;
COMMIT;
