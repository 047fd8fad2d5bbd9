echo "beta says $(cat message.txt) (image $(cat /image-version))"
exec sleep 1000000
