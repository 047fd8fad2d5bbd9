mkdir -p /tmp/www
cp message.txt /tmp/www/index.html
exec httpd -f -p 8080 -h /tmp/www
