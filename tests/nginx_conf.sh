# tests/nginx_conf.sh: the head of an nginx.conf for an nginx of the tests'
# or benchmarks' own (sourced by tests/lib.sh, tests/net_options_test.sh and
# bench/race/lib.sh): in the foreground, one worker process, every file under
# DIR, no access log. It opens the http block; the caller writes the rest
# and closes it.
#
#   nginx_conf_head DIR [WORKER_CONNECTIONS]     (default 512)
nginx_conf_head() {
  cat <<NGX
daemon off;
master_process off;
worker_processes 1;
pid $1/nginx.pid;
error_log $1/error.log warn;
events { worker_connections ${2:-512}; }
http {
  access_log off;
  client_body_temp_path $1/body;
  proxy_temp_path $1/proxy;
  fastcgi_temp_path $1/fastcgi;
  uwsgi_temp_path $1/uwsgi;
  scgi_temp_path $1/scgi;
NGX
}
