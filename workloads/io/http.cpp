// io.http: placeholder while the workload is written (see tests/io_http_test.cpp).
