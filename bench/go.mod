module rpcd-bench

go 1.19
