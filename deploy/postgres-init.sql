-- Run once by the postgres image (/docker-entrypoint-initdb.d/) as POSTGRES_USER=xinfang.
-- One database per xinfang component; each component only ever connects to its own.
CREATE DATABASE xinfang_intake OWNER xinfang;
CREATE DATABASE xinfang_assignment OWNER xinfang;
CREATE DATABASE xinfang_mediation OWNER xinfang;
CREATE DATABASE xinfang_supervision OWNER xinfang;
CREATE DATABASE xinfang_projections OWNER xinfang;
