-- A status change carries its from and to status as columns, not only in
-- its text. Status changes recorded before get theirs from the text they
-- were written with ("open → acked" or "open → acked: reason").
ALTER TABLE events ADD COLUMN from_status TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN to_status TEXT NOT NULL DEFAULT '';

UPDATE events SET
    from_status = substr(text, 1, instr(text, ' → ') - 1),
    to_status = CASE
        WHEN instr(substr(text, instr(text, ' → ') + 3), ':') > 0
        THEN substr(substr(text, instr(text, ' → ') + 3), 1, instr(substr(text, instr(text, ' → ') + 3), ':') - 1)
        ELSE substr(text, instr(text, ' → ') + 3)
    END
WHERE kind = 'status_changed' AND instr(text, ' → ') > 0;
