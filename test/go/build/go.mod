module build

go 1.19
