/* holdport <port> <seconds>: a Windows program that listens on a TCP port
 * (IPv4, all addresses) for a while, so end-to-end tests can put a real
 * process on a pinned port.  Prints "listening <port>" once it does. */
#include <winsock2.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
    WSADATA wd;
    SOCKET s;
    struct sockaddr_in a;
    int port, seconds;

    if (argc != 3) {
        fprintf(stderr, "usage: holdport <port> <seconds>\n");
        return 2;
    }
    port = atoi(argv[1]);
    seconds = atoi(argv[2]);
    if (WSAStartup(MAKEWORD(2, 2), &wd) != 0) {
        fprintf(stderr, "WSAStartup failed\n");
        return 1;
    }
    s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((u_short)port);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    if (s == INVALID_SOCKET || bind(s, (struct sockaddr *)&a, sizeof a) != 0 ||
        listen(s, 5) != 0) {
        fprintf(stderr, "cannot listen on %d: error %d\n", port, WSAGetLastError());
        return 1;
    }
    printf("listening %d\n", port);
    fflush(stdout);
    Sleep((DWORD)seconds * 1000);
    closesocket(s);
    WSACleanup();
    return 0;
}
