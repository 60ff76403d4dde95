-- A programme's activities are listed a page at a time in id order
-- (ORDER BY id LIMIT n): with this index a page reads its own rows in
-- order, where the index on (programme, goal) made each page read and sort
-- all of the programme's activities (tens of thousands in a generated
-- store).
CREATE INDEX activities_programme_id ON activities (programme, id);
