// io.http tests: placeholder while the workload is written.
