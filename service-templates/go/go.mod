module __role_kebab__

go 1.24
