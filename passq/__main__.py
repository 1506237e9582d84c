from passq.cli import main

main()
